// batch_zoom's page: drag-and-drop of a sheet, and live progress of a run (Server-Sent Events).
// Everything else is plain forms, so the page works by keyboard and without this script.
"use strict";

(function () {
  const drop = document.getElementById("drop");
  const input = document.getElementById("sheet-file");
  const form = document.getElementById("sheet-form");
  if (drop && input && form) {
    ["dragenter", "dragover"].forEach((name) =>
      drop.addEventListener(name, (event) => {
        event.preventDefault();
        drop.classList.add("over");
      })
    );
    ["dragleave", "drop"].forEach((name) =>
      drop.addEventListener(name, () => drop.classList.remove("over"))
    );
    drop.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        form.requestSubmit();
      }
    });
    input.addEventListener("change", () => {
      if (input.files && input.files.length) form.requestSubmit();
    });
  }

  const live = document.getElementById("live");
  if (!live) return;
  const bar = document.getElementById("bar");
  const doneText = document.getElementById("done-text");
  const left = document.getElementById("left");
  const wait = document.getElementById("wait");
  const rows = document.getElementById("rows");
  const seen = Number(live.dataset.seen || 0);

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (whole, name) =>
      name in values ? String(values[name]) : whole
    );
  }

  const source = new EventSource("/events");
  source.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.kind === "start" || event.kind === "progress") {
      const total = event.total || 0;
      const done = event.done || 0;
      bar.max = total || 1;
      bar.value = done;
      doneText.textContent = fill(left.dataset.done, { done: done, total: total });
      if (typeof event.left === "number") {
        left.textContent =
          event.left >= 90
            ? fill(left.dataset.minutes, { minutes: Math.round(event.left / 60) })
            : fill(left.dataset.seconds, { seconds: Math.max(1, Math.round(event.left)) });
      }
    } else if (event.kind === "row") {
      const item = document.createElement("li");
      item.className = "status-" + event.status;
      item.textContent =
        event.row + " " + event.status + " " + event.topic + (event.note ? " — " + event.note : "");
      rows.prepend(item);
      while (rows.children.length > 200) rows.lastChild.remove();
    } else if (event.kind === "wait") {
      wait.textContent = event.text;
    } else if (event.kind === "ask") {
      // a question asked after this page was drawn (undo): show it; an older one is answered
      if (event.index >= seen && !document.getElementById("question-text")) {
        window.location.reload();
      }
    } else if (event.kind === "done") {
      source.close();
      window.location.assign("/#results");
      window.location.reload();
    }
  };
})();
