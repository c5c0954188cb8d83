// The page of `neural-style serve`. It talks only to the HTTP API (/openapi/v1.json describes it).
"use strict";

const $ = (id) => document.getElementById(id);
const clientKey = (() => {
  // A random key kept in this browser: the gallery shows the jobs made with it.
  let key = localStorage.getItem("neural-style-client");
  if (!key) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    localStorage.setItem("neural-style-client", key);
  }
  // The same key as a cookie: images (<img>, downloads) send no headers, and a job's images are its owner's only.
  document.cookie = `ns-client=${key}; path=/; max-age=315360000; samesite=strict`;
  return key;
})();
const headers = { "X-Client-Key": clientKey };

const state = { photoExample: null, paintingExamples: new Set(), fromJob: null, following: null, timer: null, shownImage: null, failures: 0, fromJobInputs: [], limits: {} };
const finished = (job) => ["done", "failed", "cancelled"].includes(job.state);

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  } catch (failure) {
    // The browser's own words ("Failed to fetch", "NetworkError when attempting…") mean the server could not be reached.
    const error = new Error("cannot reach the server: is it running, is the network up?");
    error.status = 0;
    throw error;
  }
  let body = null;
  if ((response.headers.get("content-type") || "").includes("json")) body = await response.json();
  if (!response.ok) {
    const error = new Error((body && body.error) || `${response.status} ${response.statusText}`);
    error.status = response.status;
    throw error;
  }
  return body;
}

function fillSelect(select, values, chosen) {
  select.replaceChildren(...values.map((v) => new Option(v, v, false, v === chosen)));
}

function strengthFactor() { return Math.pow(2, Number($("strength").value)); }
function showStrength() { $("strength-value").textContent = `${strengthFactor().toFixed(2).replace(/\.?0+$/, "")}×`; }

async function setUp() {
  const options = await api("/api/options");
  fillSelect($("preset"), options.presets, options.defaults.preset);
  fillSelect($("model"), options.models, options.defaults.model);
  fillSelect($("preserveColor"), options.preserveColor, options.defaults.preserveColor);
  $("size").value = options.defaults.size;
  $("size").max = options.limits.maxOutputSide;
  state.limits = options.limits;
  $("strength").addEventListener("input", showStrength);
  showStrength();

  const examples = await api("/api/examples");
  for (const example of examples) {
    const button = document.createElement("button");
    button.type = "button";
    button.title = example.title;
    button.dataset.example = example.name;
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", example.title);
    const img = document.createElement("img");
    img.src = example.url;
    img.alt = example.title;
    button.append(img);
    if (example.kind === "photo") {
      button.addEventListener("click", () => {
        state.photoExample = state.photoExample === example.name ? null : example.name;
        if (state.photoExample) $("photo").value = "";
        markPhotoExample();
        updateChoice();
      });
      $("photo-examples").append(button);
    } else {
      button.addEventListener("click", () => {
        if (state.paintingExamples.has(example.name)) state.paintingExamples.delete(example.name);
        else state.paintingExamples.add(example.name);
        button.setAttribute("aria-pressed", String(state.paintingExamples.has(example.name)));
        updateBlend();
        updateChoice();
      });
      $("painting-examples").append(button);
    }
  }
  $("paintings").addEventListener("change", () => { updateBlend(); updateChoice(); });
  $("photo").addEventListener("change", () => {
    // An uploaded photo replaces a picked example (the server would take the upload anyway).
    if ($("photo").files.length) { state.photoExample = null; markPhotoExample(); }
    updateChoice();
  });
  $("reuse-clear").addEventListener("click", () => { clearReuse(); updateChoice(); });
  $("job-form").addEventListener("submit", submit);
  $("cancel").addEventListener("click", cancel);
  $("start").disabled = false;
  updateChoice();
  const jobs = await refreshGallery();
  // The job in the address (#id, set while following one) is followed again after a reload.
  const wanted = location.hash.slice(1);
  if (jobs.some((job) => job.id === wanted)) follow(wanted);
  document.body.dataset.ready = "true";
}

function markPhotoExample() {
  for (const b of $("photo-examples").children) b.setAttribute("aria-pressed", String(b.dataset.example === state.photoExample));
}

// One line under Start saying what will be painted, so a missing photo or painting shows before the upload.
function updateChoice() {
  const title = (name) => document.querySelector(`.examples button[data-example="${name}"]`)?.title || name;
  let photo = $("photo").files.length ? $("photo").files[0].name : state.photoExample ? title(state.photoExample) : null;
  let paintings = [...$("paintings").files].map((f) => f.name).concat([...state.paintingExamples].map(title));
  if (state.fromJob) {
    photo = photo || state.fromJobInputs[0];
    if (!paintings.length) paintings = state.fromJobInputs.slice(1);
  }
  $("choice").textContent = `${photo || "no photo yet"} × ${paintings.length ? paintings.join(" + ") : "no painting yet"}`;
}

function updateBlend() {
  $("blend-row").hidden = $("paintings").files.length + state.paintingExamples.size < 2;
}

function clearReuse() {
  state.fromJob = null;
  state.fromJobInputs = [];
  $("reuse-note").hidden = true;
}

function showError(element, message) {
  $(element).textContent = message;
  $(element).hidden = !message;
}

async function submit(event) {
  event.preventDefault();
  if ($("start").disabled) return;
  showError("form-error", "");
  // What the server would refuse anyway, said before a possibly long upload.
  const files = [...$("photo").files, ...$("paintings").files];
  if (!files.length && !state.photoExample && !state.paintingExamples.size && !state.fromJob) {
    showError("form-error", "choose a photo and a painting: upload them or pick examples");
    return;
  }
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  if (state.limits.maxUploadBytes && bytes > state.limits.maxUploadBytes) {
    showError("form-error", `the images are ${(bytes / 1e6).toFixed(1)} MB together, above this server's limit of ${(state.limits.maxUploadBytes / 1e6).toFixed(1)} MB`);
    return;
  }
  const form = new FormData();
  if ($("photo").files.length) form.append("photo", $("photo").files[0]);
  else if (state.photoExample) form.append("photoExample", state.photoExample);
  for (const file of $("paintings").files) form.append("paintings", file);
  if (state.paintingExamples.size) form.append("paintingExamples", [...state.paintingExamples].join(","));
  if (state.fromJob) form.append("fromJob", state.fromJob);
  for (const field of ["preset", "model", "size", "iterations", "preserveColor", "seed"]) form.append(field, $(field).value);
  form.append("strength", String(strengthFactor()));
  if (!$("blend-row").hidden && $("styleBlend").value.trim()) form.append("styleBlend", $("styleBlend").value.trim());
  // No second job while this one uploads: Start says what is happening and comes back when the server answered.
  $("start").disabled = true;
  $("start").textContent = files.length ? "Uploading…" : "Starting…";
  try {
    const job = await api("/api/jobs", { method: "POST", body: form });
    follow(job.id);
    $("live").scrollIntoView({ behavior: "smooth", block: "start" });
    await refreshGallery();
  } catch (error) {
    showError("form-error", error.message);
  } finally {
    $("start").disabled = false;
    $("start").textContent = "Start";
  }
}

function follow(id) {
  clearTimeout(state.timer);
  state.following = id;
  state.failures = 0;
  history.replaceState(null, "", `#${id}`);
  $("live").dataset.job = id;
  state.shownImage = null;
  $("live").hidden = false;
  $("preview").removeAttribute("src");
  $("preview").dataset.version = "0";
  $("state").textContent = "…";
  $("state").dataset.state = "";
  $("step").textContent = "";
  $("step").dataset.step = "0";
  drawLosses([]);
  $("download").hidden = true;
  $("plot-link").hidden = true;
  $("job-error").hidden = true;
  $("cancel").disabled = false;
  $("cancel").hidden = false;
  $("cancel").textContent = "Cancel";
  $("live-title").textContent = "";
  poll();
}

async function poll() {
  const id = state.following;
  if (!id) return;
  let job;
  try {
    job = await api(`/api/jobs/${id}`);
  } catch (error) {
    if (id !== state.following) return;
    // A lost connection (the server restarting, say) is retried, more slowly each time; a deleted job is not.
    showError("job-error", `${error.message}${error.status === 404 ? "" : " (trying again)"}`);
    if (error.status !== 404) state.timer = setTimeout(poll, Math.min(10000, 1000 * 2 ** ++state.failures));
    return;
  }
  if (id !== state.following) return;
  state.failures = 0;
  show(job);
  updateCard(job);
  if (finished(job)) {
    $("cancel").disabled = true;
    refreshGallery().catch(() => {});
    return;
  }
  state.timer = setTimeout(poll, 1000);
}

function seconds(s) {
  if (s === null || s === undefined) return "–";
  s = Math.round(s);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function show(job) {
  const p = job.progress;
  $("live-heading").textContent = { queued: "Waiting", running: "Painting", done: "Finished", failed: "Failed", cancelled: "Cancelled" }[job.state] || job.state;
  $("live-title").textContent = job.summary;
  // Where this run started, not the latest checkpoint (that moves on as the resumed run checkpoints again).
  const resumed = p.resumedFrom > 0 ? ` (resumed from step ${p.resumedFrom})` : " (started again from the beginning)";
  $("state").textContent = job.state + (job.attempts > 1 ? resumed : "");
  $("state").dataset.state = job.state;
  $("step").textContent = p.totalSteps ? `${p.step} / ${p.totalSteps}` : "waiting";
  $("step").dataset.step = String(p.step);
  $("scale").textContent = p.scales ? `${p.scale + 1} of ${p.scales} (${p.side} px)` : "–";
  const last = p.losses.length ? p.losses[p.losses.length - 1] : null;
  $("loss").textContent = last ? `${last.total.toPrecision(4)} (content ${last.content.toPrecision(3)}, style ${last.style.toPrecision(3)})` : "–";
  $("elapsed").textContent = seconds(p.elapsedSeconds);
  $("eta").textContent = job.state === "running" ? seconds(p.etaSeconds) : "–";
  $("progress").value = p.totalSteps ? p.step / p.totalSteps : 0;
  $("caption").textContent = `${job.inputs[0]} × ${job.inputs.slice(1).join(", ")}`;
  // The latest preview while it runs (its URL changes with every new one), the PNG itself once done.
  const image = job.state === "done" ? job.links.result : job.links.preview;
  if (image && image !== state.shownImage) {
    state.shownImage = image;
    $("preview").src = image;
  }
  $("preview").dataset.version = String(job.previewVersion);
  const download = job.links.result || job.links.partial;
  $("download").hidden = !download;
  $("download").textContent = job.links.result ? "Download PNG" : "Download the image so far";
  $("plot-link").hidden = !job.links.plot;
  if (download) $("download").href = download;
  if (job.links.plot) $("plot-link").href = job.links.plot;
  $("cancel").hidden = finished(job);
  showError("job-error", job.error || "");
  drawLosses(p.losses);
}

function drawLosses(points) {
  const canvas = $("plot");
  // Drawn at the size it is shown, in device pixels, so the curve is sharp.
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round((canvas.clientWidth || 420) * ratio), height = Math.round(width * 0.45);
  if (canvas.width !== width || canvas.height !== height) { canvas.width = width; canvas.height = height; }
  const g = canvas.getContext("2d");
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, width, height);
  g.scale(ratio, ratio);
  const w = width / ratio, h = height / ratio;
  g.fillStyle = "#888";
  g.font = "12px system-ui, sans-serif";
  if (points.length < 2) {
    g.fillText("the loss curve appears after the first steps", 12, h / 2);
    return;
  }
  const pad = 52;
  const logs = points.map((q) => Math.log10(Math.max(q.total, 1e-12)));
  const lo = Math.min(...logs), hi = Math.max(...logs);
  const first = points[0].step, lastStep = points[points.length - 1].step;
  const bottom = 22;
  const x = (step) => pad + (w - pad - 8) * (step - first) / Math.max(1, lastStep - first);
  const y = (v) => h - bottom - (h - bottom - 8) * (v - lo) / Math.max(1e-9, hi - lo);
  g.strokeStyle = "#ddd";
  g.strokeRect(pad, 8, w - pad - 8, h - bottom - 8);
  g.fillStyle = "#666";
  g.textAlign = "right";
  g.fillText(Math.pow(10, hi).toPrecision(3), pad - 6, 18);
  g.fillText(Math.pow(10, lo).toPrecision(3), pad - 6, h - bottom);
  g.fillText(`step ${lastStep}`, w - 8, h - 6);
  g.textAlign = "left";
  g.fillText(`total loss (log scale), step ${first}`, pad, h - 6);
  g.strokeStyle = "#3451b2";
  g.lineWidth = 2;
  g.beginPath();
  points.forEach((q, i) => (i ? g.lineTo(x(q.step), y(logs[i])) : g.moveTo(x(q.step), y(logs[i]))));
  g.stroke();
}

async function cancel() {
  if (!state.following) return;
  $("cancel").disabled = true;
  $("cancel").textContent = "Cancelling…";
  try {
    show(await api(`/api/jobs/${state.following}/cancel`, { method: "POST" }));
  } catch (error) {
    showError("job-error", error.message);
    $("cancel").disabled = false;
    $("cancel").textContent = "Cancel";
  }
}

async function refreshGallery() {
  const jobs = await api("/api/jobs");
  $("gallery").replaceChildren(...jobs.map(card));
  if (!jobs.length) $("gallery").innerHTML = '<p class="muted">No pictures yet: the jobs you start appear here.</p>';
  return jobs;
}

// The followed job's card follows it too (its state and picture), without reloading the whole gallery.
function updateCard(job) {
  const old = document.querySelector(`#gallery .card[data-job="${job.id}"]`);
  if (old && (old.dataset.state !== job.state || old.dataset.version !== String(job.previewVersion))) old.replaceWith(card(job));
}

function card(job) {
  const div = document.createElement("div");
  div.className = "card";
  div.dataset.job = job.id;
  div.dataset.state = job.state;
  div.dataset.version = String(job.previewVersion);
  const img = document.createElement("img");
  img.alt = `${job.inputs[0]} in the style of ${job.inputs.slice(1).join(", ")}`;
  img.src = job.links.result || job.links.preview || job.links.inputs[0];
  img.loading = "lazy";
  img.addEventListener("click", () => openJob(job.id));
  const badge = document.createElement("span");
  badge.className = `badge ${job.state}`;
  badge.textContent = job.state === "running" && job.progress.totalSteps
    ? `running ${Math.round(100 * job.progress.step / job.progress.totalSteps)}%` : job.state;
  const title = document.createElement("div");
  title.className = "title";
  title.textContent = `${job.inputs[0]} × ${job.inputs.slice(1).join(", ")}`;
  const meta = document.createElement("div");
  meta.className = "muted";
  meta.textContent = `${job.summary} · ${new Date(job.created).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}`;
  const row = document.createElement("div");
  row.className = "row";
  row.append(
    action("Open", () => openJob(job.id)),
    action("Again with changes", () => again(job)),
    action("Delete", async () => {
      if (!confirm(`Delete ${title.textContent}?${finished(job) ? "" : " It stops first."}`)) return;
      try {
        await api(`/api/jobs/${job.id}`, { method: "DELETE" });
        if (state.following === job.id) {
          state.following = null;
          clearTimeout(state.timer);
          $("live").hidden = true;
          history.replaceState(null, "", location.pathname);
        }
        await refreshGallery();
      } catch (error) {
        showError("job-error", error.message);
      }
    }, "quiet"),
  );
  div.append(img, badge, title, meta, row);
  return div;
}

function openJob(id) {
  follow(id);
  $("live").scrollIntoView({ behavior: "smooth", block: "start" });
}

function action(label, onClick, className) {
  const button = document.createElement("button");
  button.type = "button";
  if (className) button.className = className;
  button.textContent = label;
  button.addEventListener("click", onClick);
  return button;
}

function again(job) {
  // The form gets the job's settings and images; change what you like and start.
  const r = job.request;
  $("preset").value = r.preset;
  $("model").value = r.model;
  $("size").value = r.size;
  $("strength").value = String(Math.log2(r.strength));
  showStrength();
  $("iterations").value = r.iterations ?? "";
  $("preserveColor").value = r.preserveColor;
  $("seed").value = r.seed;
  $("styleBlend").value = r.styleBlend ? r.styleBlend.join(",") : "";
  $("blend-row").hidden = job.inputs.length < 3;
  $("photo").value = "";
  $("paintings").value = "";
  state.photoExample = null;
  state.paintingExamples.clear();
  for (const b of document.querySelectorAll(".examples button")) b.setAttribute("aria-pressed", "false");
  state.fromJob = job.id;
  state.fromJobInputs = job.inputs;
  $("reuse-names").textContent = `(${job.inputs[0]} × ${job.inputs.slice(1).join(", ")})`;
  $("reuse-note").hidden = false;
  showError("form-error", "");
  updateChoice();
  $("compose").scrollIntoView({ behavior: "smooth" });
}

setUp().catch((error) => showError("form-error", error.status === 0 ? error.message : `the server did not answer as expected: ${error.message}`));
