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
  return key;
})();
const headers = { "X-Client-Key": clientKey };

const state = { photoExample: null, paintingExamples: new Set(), fromJob: null, following: null, timer: null, shownPreview: 0 };

async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { ...headers, ...(options.headers || {}) } });
  let body = null;
  if ((response.headers.get("content-type") || "").includes("json")) body = await response.json();
  if (!response.ok) throw new Error((body && body.error) || `${response.status} ${response.statusText}`);
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
        for (const b of $("photo-examples").children) b.setAttribute("aria-pressed", String(b.dataset.example === state.photoExample));
      });
      $("photo-examples").append(button);
    } else {
      button.addEventListener("click", () => {
        if (state.paintingExamples.has(example.name)) state.paintingExamples.delete(example.name);
        else state.paintingExamples.add(example.name);
        button.setAttribute("aria-pressed", String(state.paintingExamples.has(example.name)));
        updateBlend();
      });
      $("painting-examples").append(button);
    }
  }
  $("paintings").addEventListener("change", updateBlend);
  $("photo").addEventListener("change", () => { if ($("photo").files.length) clearReuse(); });
  $("reuse-clear").addEventListener("click", clearReuse);
  $("job-form").addEventListener("submit", submit);
  $("cancel").addEventListener("click", cancel);
  await refreshGallery();
}

function updateBlend() {
  $("blend-row").hidden = $("paintings").files.length + state.paintingExamples.size < 2;
}

function clearReuse() {
  state.fromJob = null;
  $("reuse-note").hidden = true;
}

async function submit(event) {
  event.preventDefault();
  $("form-error").hidden = true;
  const form = new FormData();
  if ($("photo").files.length) form.append("photo", $("photo").files[0]);
  else if (state.photoExample) form.append("photoExample", state.photoExample);
  for (const file of $("paintings").files) form.append("paintings", file);
  if (state.paintingExamples.size) form.append("paintingExamples", [...state.paintingExamples].join(","));
  if (state.fromJob) form.append("fromJob", state.fromJob);
  for (const field of ["preset", "model", "size", "iterations", "preserveColor", "seed"]) form.append(field, $(field).value);
  form.append("strength", String(strengthFactor()));
  if (!$("blend-row").hidden && $("styleBlend").value.trim()) form.append("styleBlend", $("styleBlend").value.trim());
  $("start").disabled = true;
  try {
    const job = await api("/api/jobs", { method: "POST", body: form });
    follow(job.id);
    refreshGallery();
  } catch (error) {
    $("form-error").textContent = error.message;
    $("form-error").hidden = false;
  } finally {
    $("start").disabled = false;
  }
}

function follow(id) {
  clearTimeout(state.timer);
  state.following = id;
  state.shownPreview = 0;
  $("live").hidden = false;
  $("preview").removeAttribute("src");
  $("download").hidden = true;
  $("plot-link").hidden = true;
  $("job-error").hidden = true;
  $("cancel").disabled = false;
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
    $("job-error").textContent = error.message;
    $("job-error").hidden = false;
    return;
  }
  if (id !== state.following) return;
  show(job);
  if (["done", "failed", "cancelled"].includes(job.state)) {
    $("cancel").disabled = true;
    refreshGallery();
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
  $("live-title").textContent = job.summary;
  $("state").textContent = job.state + (job.attempts > 1 ? ` (resumed from step ${job.checkpointStep})` : "");
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
  const image = job.state === "done" ? job.links.result : job.links.preview;
  if (image && job.previewVersion !== state.shownPreview) {
    state.shownPreview = job.previewVersion;
    $("preview").src = image + (job.state === "done" ? `?v=${job.previewVersion}` : "");
  }
  $("preview").dataset.version = String(job.previewVersion);
  if (job.links.result) {
    $("download").href = job.links.result;
    $("download").hidden = false;
    $("plot-link").href = job.links.plot;
    $("plot-link").hidden = false;
  }
  if (job.error) {
    $("job-error").textContent = job.error;
    $("job-error").hidden = false;
  }
  drawLosses(p.losses);
}

function drawLosses(points) {
  const canvas = $("plot");
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (points.length < 2) return;
  const pad = 28;
  const logs = points.map((q) => Math.log10(Math.max(q.total, 1e-12)));
  const lo = Math.min(...logs), hi = Math.max(...logs);
  const first = points[0].step, lastStep = points[points.length - 1].step;
  const x = (step) => pad + (canvas.width - pad - 8) * (step - first) / Math.max(1, lastStep - first);
  const y = (v) => canvas.height - pad - (canvas.height - pad - 8) * (v - lo) / Math.max(1e-9, hi - lo);
  g.strokeStyle = "#ccc";
  g.strokeRect(pad, 8, canvas.width - pad - 8, canvas.height - pad - 8);
  g.fillStyle = "#666";
  g.font = "11px system-ui";
  g.fillText(`10^${hi.toFixed(1)}`, 2, 16);
  g.fillText(`10^${lo.toFixed(1)}`, 2, canvas.height - pad);
  g.fillText(`step ${lastStep}`, canvas.width - 60, canvas.height - 8);
  g.strokeStyle = "#3451b2";
  g.lineWidth = 2;
  g.beginPath();
  points.forEach((q, i) => (i ? g.lineTo(x(q.step), y(logs[i])) : g.moveTo(x(q.step), y(logs[i]))));
  g.stroke();
}

async function cancel() {
  if (!state.following) return;
  try {
    await api(`/api/jobs/${state.following}/cancel`, { method: "POST" });
  } catch (error) {
    $("job-error").textContent = error.message;
    $("job-error").hidden = false;
  }
}

async function refreshGallery() {
  const jobs = await api("/api/jobs");
  $("gallery").replaceChildren(...jobs.map(card));
  if (!jobs.length) $("gallery").textContent = "No pictures yet.";
}

function card(job) {
  const div = document.createElement("div");
  div.className = "card";
  div.dataset.job = job.id;
  div.dataset.state = job.state;
  const img = document.createElement("img");
  img.alt = job.inputs[0];
  img.src = job.links.result || job.links.preview || job.links.inputs[0];
  const title = document.createElement("div");
  title.textContent = `${job.inputs[0]} × ${job.inputs.slice(1).join(", ")}`;
  const meta = document.createElement("div");
  meta.className = "muted";
  meta.textContent = `${job.state} · ${job.summary} · ${new Date(job.created).toLocaleString()}`;
  const row = document.createElement("div");
  row.className = "row";
  row.append(
    action("Open", () => follow(job.id)),
    action("Again with changes", () => again(job)),
    action("Delete", async () => { await api(`/api/jobs/${job.id}`, { method: "DELETE" }); refreshGallery(); }),
  );
  div.append(img, title, meta, row);
  return div;
}

function action(label, onClick) {
  const button = document.createElement("button");
  button.type = "button";
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
  $("reuse-note").hidden = false;
  $("compose").scrollIntoView({ behavior: "smooth" });
}

setUp().catch((error) => {
  $("form-error").textContent = `cannot reach the server: ${error.message}`;
  $("form-error").hidden = false;
});
