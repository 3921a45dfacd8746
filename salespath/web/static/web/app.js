/* Salespath — the little JavaScript the pages need beyond htmx: dragging cards on the board.
 *
 * A card dropped on another column is posted to its move URL. On success the server sends
 * the updated card, which takes its place at the top of the new column. On a refusal (409:
 * the gate's missing criteria, or someone changed the deal) the card goes back where it was
 * and the server's explanation is shown above the board. Moving back asks for a reason.
 */
(function () {
  "use strict";

  function csrfToken() {
    var headers = document.body.getAttribute("hx-headers");
    try { return JSON.parse(headers)["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function columnOf(element) { return element.closest("[data-stage-order]"); }

  function askReason() {
    var dialog = document.getElementById("move-back-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      return Promise.resolve(window.prompt("") || null);
    }
    var textarea = dialog.querySelector("textarea");
    textarea.value = "";
    dialog.showModal();
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        var reason = textarea.value.trim();
        resolve(dialog.returnValue === "confirm" && reason ? reason : null);
      });
    });
  }

  function showFeedback(html) {
    var feedback = document.getElementById("board-feedback");
    if (!feedback) return;
    feedback.innerHTML = html;
    if (window.htmx) window.htmx.process(feedback);
    feedback.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function updateCount(column, delta) {
    var count = column.querySelector("[data-testid=column-count]");
    if (!count) return;
    var number = parseInt(count.textContent, 10);
    if (!isNaN(number)) count.textContent = count.textContent.replace(/\d+/, String(number + delta));
  }

  function move(card, fromColumn, toColumn, reason) {
    var body = new FormData();
    body.append("to_stage", toColumn.dataset.stage);
    body.append("version", card.dataset.version || "");
    body.append("source", "board");
    if (reason) body.append("reason", reason);
    var target = toColumn.querySelector("[data-column-body]");
    var placeholder = card.nextSibling;
    target.insertBefore(card, target.firstChild);  // optimistic: show it where it was dropped
    card.setAttribute("aria-busy", "true");
    return fetch(card.dataset.moveUrl, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.text().then(function (html) { return { status: response.status, html: html }; });
    }).then(function (result) {
      card.removeAttribute("aria-busy");
      if (result.status === 200) {
        var holder = document.createElement("div");
        holder.innerHTML = result.html.trim();
        var fresh = holder.firstElementChild;
        card.replaceWith(fresh);
        updateCount(fromColumn, -1);
        updateCount(toColumn, 1);
        showFeedback("");
        return;
      }
      // Refused: the card returns to its column, the reason is shown.
      if (result.status !== 409 && result.status !== 422) {
        var board = card.closest("[data-board]") || document.querySelector("[data-board]");
        result.html = '<div class="alert alert-error" role="alert">' + (board ? board.dataset.genericError : "") + "</div>";
      }
      fromColumn.querySelector("[data-column-body]").insertBefore(card, placeholder && placeholder.parentNode ? placeholder : null);
      card.classList.add("is-refused");
      setTimeout(function () { card.classList.remove("is-refused"); }, 600);
      showFeedback(result.html);
    }).catch(function () {
      card.removeAttribute("aria-busy");
      fromColumn.querySelector("[data-column-body]").appendChild(card);
    });
  }

  function setUpBoard(board) {
    var dragged = null;
    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest("[data-card]");
      if (!card) return;
      dragged = card;
      card.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.dataset.id);
    });
    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("is-dragging");
      board.querySelectorAll(".is-drop-target").forEach(function (c) { c.classList.remove("is-drop-target"); });
    });
    board.addEventListener("dragover", function (event) {
      var column = columnOf(event.target);
      if (!column || !dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      board.querySelectorAll(".is-drop-target").forEach(function (c) { if (c !== column) c.classList.remove("is-drop-target"); });
      column.classList.add("is-drop-target");
    });
    board.addEventListener("drop", function (event) {
      var toColumn = columnOf(event.target);
      if (!toColumn || !dragged) return;
      event.preventDefault();
      toColumn.classList.remove("is-drop-target");
      var card = dragged;
      dragged = null;
      card.classList.remove("is-dragging");
      var fromColumn = columnOf(card);
      if (!fromColumn || fromColumn === toColumn) return;
      var backwards = Number(toColumn.dataset.stageOrder) < Number(fromColumn.dataset.stageOrder);
      if (backwards) {
        askReason().then(function (reason) { if (reason) move(card, fromColumn, toColumn, reason); });
      } else {
        move(card, fromColumn, toColumn, "");
      }
    });
  }

  /* Moving a card with the keyboard: on a focused card, M opens the "move to…" menu of
   * stages; Alt+→ / Alt+← move to the next or previous stage. Same gate, same feedback. */
  function askStage(card, fromColumn) {
    var dialog = document.getElementById("move-to-dialog");
    if (!dialog || typeof dialog.showModal !== "function") return Promise.resolve("");
    var name = dialog.querySelector("[data-move-to-name]");
    if (name) name.textContent = (card.querySelector(".deal-name") || card).textContent;
    dialog.querySelectorAll("[data-move-to]").forEach(function (button) {
      button.disabled = button.dataset.moveTo === fromColumn.dataset.stage;
    });
    dialog.returnValue = "";
    dialog.showModal();
    var first = dialog.querySelector("[data-move-to]:not([disabled])");
    if (first) first.focus();
    return new Promise(function (resolve) {
      dialog.addEventListener("close", function onClose() {
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue);
      });
    });
  }

  function moveTo(board, card, toStage) {
    var fromColumn = columnOf(card);
    var toColumn = board.querySelector('[data-stage-order][data-stage="' + toStage + '"]');
    if (!fromColumn || !toColumn || fromColumn === toColumn) return;
    var backwards = Number(toColumn.dataset.stageOrder) < Number(fromColumn.dataset.stageOrder);
    var done = backwards
      ? askReason().then(function (reason) { return reason ? move(card, fromColumn, toColumn, reason) : null; })
      : move(card, fromColumn, toColumn, "");
    Promise.resolve(done).then(function () {
      var moved = document.getElementById(card.id);
      if (moved) moved.focus();
    });
  }

  function setUpKeyboard(board) {
    board.addEventListener("keydown", function (event) {
      var card = event.target.closest && event.target.closest("[data-card]");
      if (!card) return;
      var column = columnOf(card);
      if (!column) return;
      if ((event.key === "m" || event.key === "M") && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        askStage(card, column).then(function (stage) { if (stage) moveTo(board, card, stage); });
      } else if (event.altKey && (event.key === "ArrowRight" || event.key === "ArrowLeft")) {
        event.preventDefault();
        var columns = Array.prototype.slice.call(board.querySelectorAll("[data-stage-order]"));
        var next = columns[columns.indexOf(column) + (event.key === "ArrowRight" ? 1 : -1)];
        if (next) moveTo(board, card, next.dataset.stage);
      }
    });
  }

  /* Expandable rollups: a subtotal row's toggle hides or shows every row below it. */
  function setUpTree(table) {
    function descendants(index) {
      var found = [];
      table.querySelectorAll('tr[data-parent="' + index + '"]').forEach(function (row) {
        found.push(row);
        found = found.concat(descendants(row.dataset.row));
      });
      return found;
    }
    table.addEventListener("click", function (event) {
      var toggle = event.target.closest(".tree-toggle");
      if (!toggle) return;
      var row = toggle.closest("tr");
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      toggle.textContent = open ? "▸" : "▾";
      descendants(row.dataset.row).forEach(function (child) {
        child.hidden = open;
        var inner = child.querySelector(".tree-toggle");
        if (inner) { inner.setAttribute("aria-expanded", open ? "false" : "true"); inner.textContent = open ? "▸" : "▾"; }
      });
    });
  }

  /* Charts: plotly.js from the installed plotly package, data in the element's attribute. */
  function drawChart(element) {
    if (!window.Plotly) return;
    var data = JSON.parse(element.dataset.plotly);
    window.Plotly.newPlot(element, [{
      type: "bar", x: data.labels, y: data.values,
      marker: { color: ["#16a36a", "#1f5eff", "#5b8def", "#7aa7ff", "#a9c4ff", "#cddbff"] },
      hovertemplate: "%{x}<br>¥%{y:,.2f}<extra></extra>",
    }], {
      // automargin: the last category label is long ("十二个月以上") and would be cut.
      margin: { l: 60, r: 30, t: 10, b: 70 }, separators: ".,",
      xaxis: { automargin: true },
      font: { family: getComputedStyle(document.body).fontFamily, size: 11 },
      yaxis: { tickprefix: "¥", gridcolor: "#e3e8ef" }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    }, { displayModeBar: false, responsive: true });
  }

  // A "how to fix" link (#competitors, #criterion-S3.2…) opens the form it points at, so
  // one click is enough: the section's first closed <details> (or the target itself).
  function openFormAt(hash) {
    if (!hash || hash.length < 2) return;
    var target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    var form = target.matches("details") ? target : target.querySelector("details:not([open])");
    if (!form) return;
    form.open = true;
    var field = form.querySelector("input:not([type=hidden]), select, textarea");
    if (field) field.focus({ preventScroll: true });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href*='#']");
    if (!link || link.pathname !== window.location.pathname) return;
    openFormAt(link.hash);
  });
  document.addEventListener("DOMContentLoaded", function () {
    // Arriving from another page's fix link; not back on this page after saving one of its
    // forms (posted to this page's own addresses), whose redirect also carries an anchor.
    var from = document.referrer ? new URL(document.referrer).pathname : "";
    if (from && from.indexOf(window.location.pathname) !== 0) openFormAt(window.location.hash);
    document.querySelectorAll("[data-board]").forEach(function (board) { setUpBoard(board); setUpKeyboard(board); });
    document.querySelectorAll("[data-tree]").forEach(setUpTree);
  });
  // plotly.js is large (1.1 MB with brotli, 4.85 MB to parse): it is fetched only once the
  // page has loaded, so the table and every control are ready first; the chart draws when
  // the script arrives (static file `plotly/plotly.min.js`, named by data-plotly-src).
  window.salespathCharts = function () {
    document.querySelectorAll("[data-plotly]:not([data-drawn])").forEach(function (element) {
      if (!window.Plotly) return;
      element.setAttribute("data-drawn", "1");
      drawChart(element);
    });
  };
  window.addEventListener("load", function () {
    var chart = document.querySelector("[data-plotly-src]");
    if (!chart || window.Plotly) { window.salespathCharts(); return; }
    var script = document.createElement("script");
    script.src = chart.getAttribute("data-plotly-src");
    script.onload = window.salespathCharts;
    document.head.appendChild(script);
  });
  // A forecast figure (a[data-column]) lists its opportunities in #drilldown, staying on the
  // page. Its address is named in three parts, each once: the table's (data-cell-address:
  // date, scope, view), its row's (data-cell-row: level, key, label) and its column; it is
  // put together when the figure is pointed at, focused or clicked, so that a new tab, a
  // middle click or a copied link opens the same list. A company's table has thousands of
  // figures: each carrying its whole address tripled the page. Other links into #drilldown
  // (the list's own pages) carry data-cell and their address.
  function linkFigure(link) {
    var row = link.closest("tr[data-cell-row]");
    var table = link.closest("table[data-cell-address]");
    if (!row || !table) return;
    link.href = table.dataset.cellAddress + "&" + row.dataset.cellRow + "&column=" +
      encodeURIComponent(link.dataset.column);
  }
  function linkFigureAt(event) {
    var link = event.target.closest && event.target.closest("a[data-column]");
    if (link) linkFigure(link);
  }
  document.addEventListener("pointerover", linkFigureAt);
  document.addEventListener("focusin", linkFigureAt);
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-cell], a[data-column]");
    var drilldown = document.getElementById("drilldown");
    if (!link || !drilldown || !window.htmx) return;
    if (link.dataset.column) linkFigure(link);
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    window.htmx.ajax("GET", link.href, { target: drilldown, swap: "innerHTML" });
  });
  // No inline handlers (the Content-Security-Policy forbids them): print buttons carry
  // data-print.
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
