"""Goods get an identity per school (GoodsItem: normalised name, unit, stock ≥ 0)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0002_campaign_calendar'),
        ('support', '0002_ledger_append_only_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='GoodsItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(editable=False, max_length=200, verbose_name='normalised name')),
                ('name', models.CharField(max_length=200, verbose_name='item')),
                ('unit', models.CharField(blank=True, max_length=16, verbose_name='unit')),
                ('stock', models.IntegerField(default=0, verbose_name='in stock')),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='goods_items', to='schools.school', verbose_name='school')),
            ],
            options={
                'verbose_name': 'item of goods',
                'verbose_name_plural': 'items of goods',
                'ordering': ['school', 'name'],
            },
        ),
        migrations.AddField(
            model_name='disbursementrequest',
            name='item',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='support.goodsitem', verbose_name='item of goods'),
        ),
        migrations.AddField(
            model_name='ledgerentry',
            name='item',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='entries', to='support.goodsitem', verbose_name='item of goods'),
        ),
        migrations.AddConstraint(
            model_name='goodsitem',
            constraint=models.UniqueConstraint(fields=('school', 'key'), name='support_goods_item_unique_per_school'),
        ),
        migrations.AddConstraint(
            model_name='goodsitem',
            constraint=models.CheckConstraint(condition=models.Q(('key', ''), _negated=True), name='support_goods_item_has_key'),
        ),
        migrations.AddConstraint(
            model_name='goodsitem',
            constraint=models.CheckConstraint(condition=models.Q(('stock__gte', 0)), name='support_goods_stock_not_negative'),
        ),
    ]
