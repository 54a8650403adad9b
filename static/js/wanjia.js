// Wanjia's progressive-enhancement layer (docs/frontend.md). Plain ES module, no library.
//
// Every page works without it: forms post and pages reload as usual. With it:
// - a long form marked `data-draft` keeps a draft as you type (this browser at once, the server
//   when online) and offers to restore it when the form is opened again;
// - leaving a page with unsaved changes in a form asks first (not after the form is submitted);
// - the attachments block (`data-upload`) uploads in place, with a progress bar, a size check
//   before sending, photos shrunk in the browser and a thumbnail;
// - removing a file (`data-confirm`) asks first.
// CSP: script-src 'self', no inline code; it finds its elements by data-* attributes only.

const LOCAL_DELAY_MS = 400;
const SERVER_DELAY_MS = 3000;
const PHOTO_LONGEST_SIDE = 1600;
const PHOTO_QUALITY = 0.85;
const SHRINKABLE = new Set(["image/jpeg", "image/png", "image/webp"]);
const LOCAL_PREFIX = "wanjia-draft:";

// --- helpers -------------------------------------------------------------------------------------

function csrfToken(form) {
  // CSRF_COOKIE_HTTPONLY: the token is read from the form's hidden input, never from the cookie.
  const input = form.querySelector('input[name="csrfmiddlewaretoken"]');
  return input ? input.value : "";
}

function debounce(fn, ms) {
  let timer = null;
  const run = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  run.cancel = () => clearTimeout(timer);
  return run;
}

function skipped(element) {
  return (
    !element.name ||
    element.disabled ||
    element.name === "csrfmiddlewaretoken" ||
    ["file", "password", "submit", "button", "reset", "image"].includes(element.type)
  );
}

// Every named field of the form, each as a list of strings (checkboxes and multiple choices give
// several, an unchecked box none), so that restoring can also uncheck.
function formValues(form) {
  const data = {};
  for (const element of form.elements) {
    if (skipped(element)) continue;
    const values = (data[element.name] ??= []);
    if (element.type === "checkbox" || element.type === "radio") {
      if (element.checked) values.push(element.value);
    } else if (element.tagName === "SELECT") {
      for (const option of element.selectedOptions) values.push(option.value);
    } else {
      values.push(element.value);
    }
  }
  return data;
}

function fillForm(form, data) {
  for (const element of form.elements) {
    if (skipped(element) || !(element.name in data)) continue;
    const values = Array.isArray(data[element.name]) ? data[element.name] : [data[element.name]];
    if (element.type === "checkbox" || element.type === "radio") {
      element.checked = values.includes(element.value);
    } else if (element.tagName === "SELECT") {
      for (const option of element.options) option.selected = values.includes(option.value);
    } else if (element.type !== "hidden") {
      // Several inputs of one name (rare) take their values in order.
      const same = [...form.elements].filter((e) => e.name === element.name && !skipped(e));
      element.value = values[same.indexOf(element)] ?? values[0] ?? "";
    }
    element.dispatchEvent(new Event("input", { bubbles: true }));
    element.dispatchEvent(new Event("change", { bubbles: true }));
  }
}

// Field order does not matter (the server's JSON comes back with its keys reordered).
function canonical(data) {
  return JSON.stringify(
    Object.keys(data)
      .sort()
      .map((name) => [name, Array.isArray(data[name]) ? data[name] : [data[name]]]),
  );
}

const same = (a, b) => canonical(a) === canonical(b);

// --- leaving with unsaved changes ----------------------------------------------------------------

const watched = new Map(); // form → its values as last saved or loaded
let submitting = false;

function watch(form) {
  watched.set(form, formValues(form));
  form.addEventListener("submit", () => {
    submitting = true;
  });
}

function unsaved() {
  if (submitting) return false;
  for (const [form, initial] of watched) {
    if (form.isConnected && !same(formValues(form), initial)) return true;
  }
  return false;
}

window.addEventListener("beforeunload", (event) => {
  if (unsaved()) {
    event.preventDefault();
    event.returnValue = ""; // the browser shows its own question; the text is not ours to set
  }
});

// Back from a failed submit (bfcache): asking is on again.
window.addEventListener("pageshow", () => {
  submitting = false;
});

// --- drafts --------------------------------------------------------------------------------------

function localKey(form) {
  // Per person: a shared school computer must not offer one teacher's draft to another.
  return `${LOCAL_PREFIX}${form.dataset.draftOwner}:${form.dataset.draft}`;
}

function readLocal(form) {
  try {
    const stored = JSON.parse(localStorage.getItem(localKey(form)) || "null");
    return stored && stored.data ? stored : null;
  } catch {
    return null;
  }
}

function writeLocal(form, data) {
  try {
    localStorage.setItem(localKey(form), JSON.stringify({ data, at: new Date().toISOString() }));
  } catch {
    // Storage full or refused (private mode): the server copy and the leave warning remain.
  }
}

function clearLocal(form) {
  try {
    localStorage.removeItem(localKey(form));
  } catch {
    // nothing to clear
  }
}

async function readServer(form) {
  if (!navigator.onLine) return null;
  try {
    const response = await fetch(form.dataset.draftUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    });
    if (!response.ok || !response.headers.get("Content-Type")?.includes("application/json")) return null;
    const body = await response.json();
    return { data: body.data, at: body.updated_at };
  } catch {
    return null;
  }
}

function sendServer(form, method, data) {
  if (!navigator.onLine) return Promise.resolve(null);
  const init = {
    method,
    credentials: "same-origin",
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
  };
  if (data) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify({ data });
  }
  return fetch(form.dataset.draftUrl, init).catch(() => null);
}

function draftBanner(form, draft, messages, onChoice) {
  const banner = document.createElement("div");
  banner.className = "card draft-banner";
  banner.setAttribute("role", "alert");
  banner.dataset.draftBanner = form.dataset.draft;
  const text = document.createElement("p");
  const when = new Date(draft.at);
  text.textContent = messages.found.replace("{when}", Number.isNaN(when.getTime()) ? "" : when.toLocaleString());
  const restore = document.createElement("button");
  restore.type = "button";
  restore.className = "primary";
  restore.dataset.draftRestore = "";
  restore.textContent = messages.restore;
  const discard = document.createElement("button");
  discard.type = "button";
  discard.dataset.draftDiscard = "";
  discard.textContent = messages.discard;
  const actions = document.createElement("p");
  actions.className = "form-actions";
  actions.append(restore, " ", discard);
  banner.append(text, actions);
  restore.addEventListener("click", () => onChoice(true, banner));
  discard.addEventListener("click", () => onChoice(false, banner));
  form.before(banner);
  restore.focus();
}

async function setUpDraft(form) {
  const messages = JSON.parse(form.dataset.draftMessages || "{}");
  const savedAt = form.dataset.draftSaved ? Date.parse(form.dataset.draftSaved) : 0;
  let offering = false;

  const saveServer = debounce(() => {
    if (!offering && !submitting) sendServer(form, "POST", formValues(form));
  }, SERVER_DELAY_MS);
  const saveLocal = debounce(() => {
    if (offering || submitting) return;
    if (same(formValues(form), watched.get(form))) return; // nothing typed yet
    writeLocal(form, formValues(form));
    saveServer();
  }, LOCAL_DELAY_MS);

  form.addEventListener("input", saveLocal);
  form.addEventListener("change", saveLocal);
  form.addEventListener("submit", () => {
    // The server clears its copy once the form is saved; a refused form comes back filled in.
    saveLocal.cancel();
    saveServer.cancel();
    clearLocal(form);
  });
  window.addEventListener("online", () => {
    const local = readLocal(form);
    if (local && !offering) sendServer(form, "POST", local.data);
  });

  // The newest draft, this browser's or the server's; offered only when it is newer than what
  // was saved and differs from what the form shows.
  const local = readLocal(form);
  const server = await readServer(form);
  const candidates = [local, server].filter((d) => d && d.data);
  if (!candidates.length) return;
  const newest = candidates.reduce((a, b) => (Date.parse(b.at) > Date.parse(a.at) ? b : a));
  if (savedAt && Date.parse(newest.at) <= savedAt) {
    clearLocal(form); // older than the saved record: of no use
    if (server) sendServer(form, "DELETE");
    return;
  }
  if (same(newest.data, formValues(form))) return;
  offering = true;
  draftBanner(form, newest, messages, (restore, banner) => {
    offering = false;
    if (restore) {
      fillForm(form, newest.data);
      const note = document.createElement("p");
      note.className = "muted";
      note.dataset.draftRestored = "";
      note.setAttribute("role", "status");
      note.textContent = messages.restored;
      banner.replaceWith(note);
      writeLocal(form, formValues(form));
      // watched keeps the values as saved: the restored text counts as unsaved.
    } else {
      banner.remove();
      clearLocal(form);
      sendServer(form, "DELETE");
    }
  });
}

// Signing out forgets this browser's drafts: the server keeps its copies for their author.
function forgetLocalDraftsOnLogout() {
  for (const form of document.querySelectorAll('form[action$="/logout/"]')) {
    form.addEventListener("submit", () => {
      try {
        for (const key of Object.keys(localStorage)) {
          if (key.startsWith(LOCAL_PREFIX)) localStorage.removeItem(key);
        }
      } catch {
        // nothing stored
      }
    });
  }
}

// --- confirming a removal ------------------------------------------------------------------------

function confirmDialog(message, okLabel, cancelLabel) {
  if (typeof HTMLDialogElement !== "function") return Promise.resolve(window.confirm(message));
  return new Promise((resolve) => {
    const dialog = document.createElement("dialog");
    dialog.className = "confirm";
    dialog.dataset.confirmDialog = "";
    const form = document.createElement("form");
    form.method = "dialog";
    const text = document.createElement("p");
    text.textContent = message;
    const cancel = document.createElement("button");
    cancel.value = "cancel";
    cancel.textContent = cancelLabel;
    cancel.dataset.confirmCancel = "";
    const ok = document.createElement("button");
    ok.value = "ok";
    ok.className = "primary";
    ok.textContent = okLabel;
    ok.dataset.confirmOk = "";
    const actions = document.createElement("p");
    actions.className = "form-actions";
    actions.append(cancel, " ", ok);
    form.append(text, actions);
    dialog.append(form);
    document.body.append(dialog);
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
    });
    dialog.showModal();
    cancel.focus();
  });
}

function setUpRemoval(form) {
  const button = form.querySelector("[data-confirm]");
  if (!button || form.dataset.enhanced) return;
  form.dataset.enhanced = "remove";
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ok = await confirmDialog(
      button.dataset.confirm,
      button.textContent.trim(),
      button.dataset.confirmCancel || "Cancel",
    );
    if (!ok) return;
    const block = form.closest("[data-attachments]");
    if (!block) {
      form.submit(); // a page of its own: the usual post and redirect
      return;
    }
    // In place, so that a half-filled form on the same page keeps what was typed.
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(form) },
      body: new FormData(form),
    }).catch(() => null);
    const body = response?.headers.get("Content-Type")?.includes("application/json")
      ? await response.json()
      : null;
    const status = statusOf(block);
    if (response?.ok && body) {
      const item = form.closest("[data-attachment]");
      item?.querySelector("img[data-thumbnail]")?.dispatchEvent(new Event("revoke"));
      item?.remove();
      showStatus(status, body.message, false);
    } else {
      showStatus(status, body?.detail || block.querySelector("[data-upload]")?.dataset.msgFailed || "", true);
    }
  });
}

// --- uploading in place --------------------------------------------------------------------------

function statusOf(block) {
  return {
    box: block.querySelector("[data-upload-status]"),
    bar: block.querySelector("[data-upload-progress]"),
    text: block.querySelector("[data-upload-message]"),
  };
}

function showStatus(status, message, isError, progress = null) {
  if (!status.box) return;
  status.box.hidden = false;
  status.box.classList.toggle("error", isError);
  status.text.textContent = message;
  status.bar.hidden = progress === null;
  if (progress !== null) status.bar.value = progress;
}

async function shrinkPhoto(file) {
  // Photos from a phone are 3-12 MB: sent shrunk (longest side PHOTO_LONGEST_SIDE, JPEG). The
  // server still checks the content, strips metadata and applies the photo-consent rules.
  if (!SHRINKABLE.has(file.type) || typeof createImageBitmap !== "function") return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;
  }
  const scale = Math.min(1, PHOTO_LONGEST_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.type === "image/jpeg" && file.size < 1024 * 1024) {
    bitmap.close();
    return file; // small already
  }
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", PHOTO_QUALITY));
  if (!blob || blob.size >= file.size) return file;
  const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
  return new File([blob], name, { type: "image/jpeg", lastModified: Date.now() });
}

function send(form, file, onProgress) {
  return new Promise((resolve) => {
    const data = new FormData(form);
    data.set("file", file, file.name);
    const request = new XMLHttpRequest(); // fetch() cannot report upload progress
    request.open("POST", form.action);
    request.setRequestHeader("Accept", "application/json");
    request.setRequestHeader("X-CSRFToken", csrfToken(form));
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(Math.round((100 * event.loaded) / event.total));
    });
    request.addEventListener("load", () => {
      let body = null;
      if ((request.getResponseHeader("Content-Type") || "").includes("application/json")) {
        try {
          body = JSON.parse(request.responseText);
        } catch {
          body = null;
        }
      }
      resolve({ status: request.status, body });
    });
    request.addEventListener("error", () => resolve({ status: 0, body: null }));
    request.addEventListener("abort", () => resolve({ status: 0, body: null }));
    request.send(data);
  });
}

function addThumbnail(item, url, file) {
  if (!item.hasAttribute("data-image")) return;
  const img = document.createElement("img");
  img.dataset.thumbnail = "";
  img.alt = "";
  img.className = "thumbnail";
  img.width = 96; // attributes, not inline style (style-src 'self')
  img.decoding = "async";
  if (url) {
    img.src = url;
  } else {
    img.src = URL.createObjectURL(file);
    img.addEventListener("revoke", () => URL.revokeObjectURL(img.src));
  }
  item.prepend(img);
}

function setUpUpload(form) {
  const block = form.closest("[data-attachments]");
  if (!block) return;
  const input = form.querySelector('input[type="file"]');
  const list = block.querySelector("[data-attachment-list]");
  const empty = block.querySelector("[data-attachments-empty]");
  const status = statusOf(block);
  const maxBytes = Number(form.dataset.maxBytes || 0);
  const buttons = () => form.querySelectorAll("button, input[type=submit]");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = input?.files?.[0];
    if (!chosen) {
      // Let the server say what is missing, in the page's language.
      const result = await send(form, new File([], ""), () => {});
      showStatus(status, result.body?.detail || form.dataset.msgFailed, true);
      return;
    }
    for (const button of buttons()) button.disabled = true;
    showStatus(status, "", false, 0);
    try {
      const file = await shrinkPhoto(chosen);
      if (maxBytes && file.size > maxBytes) {
        showStatus(status, form.dataset.msgTooLarge, true);
        return;
      }
      const result = await send(form, file, (percent) => showStatus(status, `${percent}%`, false, percent));
      if (result.status === 201 && result.body) {
        const holder = document.createElement("template");
        holder.innerHTML = result.body.html.trim();
        const item = holder.content.firstElementChild;
        addThumbnail(item, result.body.thumbnail_url, file);
        list.prepend(item);
        list.hidden = false;
        if (empty) empty.hidden = true;
        const remove = item.querySelector("form");
        if (remove) setUpRemoval(remove);
        form.reset();
        showStatus(status, result.body.message || form.dataset.msgSent, false, 100);
      } else {
        // The server's refusal (no photo consent, a file it does not accept, too large), in place.
        showStatus(status, result.body?.detail || form.dataset.msgFailed, true);
      }
    } finally {
      for (const button of buttons()) button.disabled = false;
    }
  });
}

// --- start ---------------------------------------------------------------------------------------

function start() {
  for (const form of document.querySelectorAll("form[data-upload]")) setUpUpload(form);
  for (const form of document.querySelectorAll("form")) {
    if (form.querySelector("[data-confirm]")) setUpRemoval(form);
  }
  // Forms that change records: leaving them with changes asks first. Uploads and removals are
  // done in place and are not "unsaved"; filter forms (GET) lose nothing.
  for (const form of document.querySelectorAll('form[method="post"]')) {
    if (form.matches("[data-upload], .inline") || form.querySelector("[data-confirm]")) continue;
    if (form.matches("[data-draft], .case-form")) watch(form);
  }
  for (const form of document.querySelectorAll("form[data-draft]")) setUpDraft(form);
  forgetLocalDraftsOnLogout();
  document.documentElement.dataset.js = "ready";
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
