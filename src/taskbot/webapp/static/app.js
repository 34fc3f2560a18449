/* The 看板: overview, 红黑榜, task list, task page. Every API call carries the Mini App's initData;
   the server verifies it. Words come from the server's catalog (/api/me), in the user's language. */
(function () {
  "use strict";
  var TG = window.TaskbotTG || { initData: "", ready: function () {}, expand: function () {} };
  var STANDINGS = ["done", "on_track", "overdue", "blocked", "silent"];
  var S = {};
  var me = null;
  var listState = { unit: "", status: "", overdue: false, q: "", offset: 0, tasks: [], total: 0 };
  var view = document.getElementById("view");

  function t(key, params) {
    var text = S[key] || key;
    Object.keys(params || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(params[k])); });
    return text;
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "class") node.className = attrs[k];
      else if (k === "text") node.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c != null) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    return node;
  }
  function api(path, options) {
    options = options || {};
    var headers = { "X-Telegram-Init-Data": TG.initData };
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch("api/" + path, { method: options.method || "GET", headers: headers, body: options.body })
      .then(function (r) {
        if (r.status === 401 || r.status === 403) { var e = new Error("denied"); e.status = r.status; throw e; }
        return r.json().then(function (data) { data._status = r.status; return data; });
      });
  }
  function show(nodes) {
    view.textContent = "";
    nodes.forEach(function (n) { if (n) view.appendChild(n); });
  }
  function fail(err) {
    var key = err && err.status ? "web.forbidden" : "web.failed";
    show([el("p", { class: "notice bad", id: "error", text: S[key] ? t(key) : (err && err.status === 401 ? "401" : "…") })]);
  }
  function day(iso) { return iso ? iso.slice(0, 10) : ""; }
  function moment(iso) { return iso ? iso.slice(5, 16).replace("T", " ") : ""; }

  // --- overview -------------------------------------------------------------------------------
  function bar(counts, total) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", "bar");
    svg.setAttribute("viewBox", "0 0 100 10");
    svg.setAttribute("preserveAspectRatio", "none");
    var x = 0;
    STANDINGS.forEach(function (s) {
      if (!counts[s]) return;
      var w = (counts[s] / total) * 100;
      var r = document.createElementNS(ns, "rect");
      r.setAttribute("x", x); r.setAttribute("y", 0); r.setAttribute("width", w); r.setAttribute("height", 10);
      r.setAttribute("fill", "var(--" + s + ")");
      var title = document.createElementNS(ns, "title");
      title.textContent = t("web.standing." + s) + " " + counts[s];
      r.appendChild(title);
      svg.appendChild(r);
      x += w;
    });
    return svg;
  }
  function legend() {
    return el("div", { class: "legend" }, STANDINGS.map(function (s) {
      return el("span", {}, [el("i", { class: "swatch-" + s }), t("web.standing." + s)]);
    }));
  }
  function renderOverview(data) {
    var total = STANDINGS.reduce(function (n, s) { return n + data.totals[s]; }, 0);
    var totals = el("div", { class: "card totals", id: "totals" }, STANDINGS.map(function (s) {
      return el("div", { "data-standing": s }, [el("b", { class: "fg-" + s, text: String(data.totals[s]) }), el("span", { text: t("web.standing." + s) })]);
    }));
    var units = data.units.map(function (u) {
      return el("a", { class: "card unit", href: "#/tasks?unit=" + u.chat, "data-unit": u.name, "data-light": u.light }, [
        el("span", { class: "light " + u.light, title: t("web.light." + u.light) }),
        el("span", { class: "name", text: u.name }),
        el("span", { class: "count", text: STANDINGS.filter(function (s) { return u.counts[s]; }).map(function (s) { return t("web.standing." + s) + " " + u.counts[s]; }).join(" · ") }),
        el("div", { class: "bar" }, [bar(u.counts, u.total)])
      ]);
    });
    show([
      el("p", { class: "muted", text: t("web.totals", { count: total }) }), totals, trendCard(data, total),
      el("h2", { text: t("web.units") }), legend(),
      el("div", { id: "units" }, units.length ? units : [el("p", { class: "muted", text: t("web.units.empty") })])
    ]);
  }

  function trendCard(data, total) {
    if (!data.trend || !data.trend.length) return null;
    var now = { date: t("web.trend.now"), rate: total ? Math.round(data.totals.done * 100 / total) : 0, done: data.totals.done };
    var points = data.trend.concat([now]);
    var last = data.trend[data.trend.length - 1];
    var diff = now.done - last.done;
    var bars = el("div", { class: "trend", id: "trend" }, points.map(function (p) {
      var col = el("div", { class: "col", "data-rate": String(p.rate) }, [
        el("span", { class: "rate", text: p.rate + "%" }),
        el("div", { class: "stick" }, [el("div", { class: "fill h" + Math.round(p.rate / 10) })]),
        el("span", { class: "date", text: p.date })
      ]);
      return col;
    }));
    return el("section", { class: "card" }, [
      el("b", { text: t("web.trend.title") }), " ",
      el("span", { class: "muted", id: "trend-change", text: t(diff > 0 ? "web.trend.up" : diff < 0 ? "web.trend.down" : "web.trend.same", { count: Math.abs(diff), date: last.date }) }),
      bars
    ]);
  }

  // --- 红黑榜 ------------------------------------------------------------------------------------
  function renderRedBlack(data) {
    function list(cls, title, rows) {
      return el("section", { class: "card ranks " + cls }, [
        el("h2", { text: title }),
        rows.length ? el("ol", {}, rows.map(function (r) { return el("li", {}, [el("b", { text: r.unit }), "：" + r.why]); }))
          : el("p", { class: "muted", text: t("web.list_empty") })
      ]);
    }
    show([
      el("p", { class: "muted", text: t("web.since", { date: data.since }) }),
      list("red-list", t("web.red"), data.red),
      list("black-list", t("web.black"), data.black),
      data.unbound.length ? el("p", { class: "notice", text: t("web.unbound", { names: data.unbound.join("、") }) }) : null
    ]);
  }

  // --- task list ------------------------------------------------------------------------------
  function taskCard(task) {
    var tags = [el("span", { class: "tag " + task.status, text: t("web.status." + task.status) })];
    if (task.overdue) tags.push(el("span", { class: "tag overdue", text: t("web.task.overdue") }));
    return el("a", { class: "card task", href: "#/task/" + task.id, "data-task": task.id }, [
      el("div", { class: "t", text: "#" + task.id + " " + task.title }),
      el("div", { class: "meta" }, tags.concat([task.progress + "% · " + (task.deadline ? t("web.task.deadline") + " " + task.deadline : t("web.task.no_deadline"))]))
    ]);
  }
  function loadTasks(append) {
    var q = "unit=" + encodeURIComponent(listState.unit) + "&status=" + encodeURIComponent(listState.status) +
      "&overdue=" + (listState.overdue ? "1" : "") + "&q=" + encodeURIComponent(listState.q) + "&offset=" + listState.offset;
    return api("tasks?" + q).then(function (data) {
      listState.tasks = append ? listState.tasks.concat(data.tasks) : data.tasks;
      listState.total = data.total;
      drawTaskList();
    }).catch(fail);
  }
  var searchTimer = null;
  function drawTaskList() {
    var units = el("select", { id: "f-unit", onchange: function (e) { listState.unit = e.target.value; listState.offset = 0; loadTasks(); } },
      [el("option", { value: "", text: t("web.filter.all_units") })].concat(me.units.map(function (u) {
        var o = el("option", { value: String(u.chat), text: u.name });
        if (String(u.chat) === String(listState.unit)) o.selected = true;
        return o;
      })));
    var statuses = el("select", { id: "f-status", onchange: function (e) { listState.status = e.target.value; listState.offset = 0; loadTasks(); } },
      [["", "web.filter.all_statuses"], ["open_all", "web.filter.open_all"], ["open", "web.status.open"], ["in_progress", "web.status.in_progress"],
       ["blocked", "web.status.blocked"], ["done", "web.status.done"]].map(function (p) {
        var o = el("option", { value: p[0], text: t(p[1]) });
        if (p[0] === listState.status) o.selected = true;
        return o;
      }));
    var overdue = el("input", { type: "checkbox", id: "f-overdue", onchange: function (e) { listState.overdue = e.target.checked; listState.offset = 0; loadTasks(); } });
    overdue.checked = listState.overdue;
    var search = el("input", { type: "search", id: "f-q", placeholder: t("web.filter.search"), value: listState.q, oninput: function (e) {
      clearTimeout(searchTimer);
      searchTimer = setTimeout(function () { listState.q = e.target.value; listState.offset = 0; loadTasks().then(function () {
        var box = document.getElementById("f-q"); box.focus(); box.setSelectionRange(box.value.length, box.value.length); }); }, 250);
    } });
    var more = listState.tasks.length < listState.total ? el("button", { class: "secondary", id: "more", text: t("web.list.more"), onclick: function () {
      listState.offset = listState.tasks.length; loadTasks(true); } }) : null;
    show([
      el("div", { class: "filters" }, [units, statuses, search, el("label", { class: "check" }, [overdue, t("web.filter.overdue")])]),
      el("p", { class: "muted", id: "count", text: t("web.list.total", { count: listState.total }) }),
      el("div", { id: "tasks" }, listState.tasks.length ? listState.tasks.map(taskCard) : [el("p", { class: "muted", text: t("web.list.empty") })]),
      more
    ]);
  }

  // --- one task -------------------------------------------------------------------------------
  function renderTask(task) {
    var shares = task.assignments.map(function (a) {
      var state = a.status === "done" && a.completion ? t("web.completion." + a.completion) : t("web.status." + a.status) + (a.status === "done" ? "" : " " + a.progress + "%");
      return el("div", { class: "share", "data-unit": a.unit }, [
        el("div", {}, [el("span", { class: "tag", text: t("web.role_in_task." + a.role) }), el("b", { text: a.unit }), " · " + state]),
        el("div", { class: "meta muted", text: a.last_report_at ? moment(a.last_report_at) + (a.last_report_text ? "：" + a.last_report_text : "") : t("web.task.no_report") })
      ]);
    });
    var history = el("ol", { class: "history", id: "history" }, task.history.map(function (h) {
      return el("li", {}, [el("time", { text: moment(h.at) }), el("b", { text: h.actor || "" }), " " + t("web.kind." + h.kind) +
        (h.progress != null ? " " + h.progress + "%" : "") + (h.text ? "：" + h.text : "")]);
    }));
    var nodes = [
      el("a", { href: "#/tasks", text: "‹ " + t("web.back") }),
      el("h2", { id: "task-title", text: "#" + task.id + " " + task.title }),
      el("div", { class: "meta" }, [el("span", { class: "tag " + task.status, text: t("web.status." + task.status) }),
        task.progress + "% · " + (task.deadline ? t("web.task.deadline") + " " + task.deadline : t("web.task.no_deadline"))]),
      task.text && task.text !== task.title ? el("p", { text: task.text }) : null,
      task.parties.length ? el("p", { class: "muted", text: t("web.task.parties") + "：" + task.parties.join("、") }) : null,
      el("h2", { text: t("web.task.units") }), el("div", { class: "card", id: "shares" }, shares.length ? shares : [el("span", { class: "muted", text: "—" })])
    ];
    if (task.can_report) nodes.push(reportForm(task));
    nodes.push(el("h2", { text: t("web.task.history") }), history);
    show(nodes);
  }
  function reportForm(task) {
    var progress = el("input", { type: "number", min: "0", max: "100", id: "r-progress", placeholder: t("web.report.progress") });
    var text = el("textarea", { id: "r-text", rows: "3", maxlength: "2000", placeholder: t("web.report.text") });
    var notice = el("p", { id: "r-notice", class: "notice", hidden: "hidden" });
    function send(action) {
      return function () {
        var body = { action: action, text: text.value };
        if (action === "status" && progress.value !== "") body.progress = Number(progress.value);
        api("tasks/" + task.id + "/report", { method: "POST", body: JSON.stringify(body) }).then(function (r) {
          if (!r.ok) { notice.hidden = false; notice.className = "notice bad"; notice.textContent = r.error; return; }
          return api("tasks/" + task.id).then(function (fresh) {
            renderTask(fresh);
            var n = document.getElementById("r-notice") || document.getElementById("task-title");
            var ok = el("p", { class: "notice", id: "r-saved", text: t("web.report.saved") });
            n.parentNode.insertBefore(ok, n);
          });
        }).catch(fail);
      };
    }
    return el("section", { class: "card report", id: "report" }, [
      el("b", { text: t("web.report.title") }), progress, text, notice,
      el("div", { class: "row" }, [
        el("button", { id: "r-status", text: t("web.report.status"), onclick: send("status") }),
        el("button", { id: "r-done", class: "secondary", text: t("web.report.done"), onclick: send("done") }),
        el("button", { id: "r-blocked", class: "secondary", text: t("web.report.blocked"), onclick: send("blocked") })
      ])
    ]);
  }

  // --- routing --------------------------------------------------------------------------------
  function route() {
    var hash = window.location.hash.replace(/^#\/?/, "") || "overview";
    var path = hash.split("?")[0];
    var query = hash.indexOf("?") >= 0 ? hash.slice(hash.indexOf("?") + 1) : "";
    var tab = path.indexOf("task") === 0 ? "tasks" : path;
    Array.prototype.forEach.call(document.querySelectorAll("nav a"), function (a) { a.classList.toggle("on", a.getAttribute("data-tab") === tab); });
    document.body.setAttribute("data-page", path.split("/")[0]);
    if (path === "redblack") return api("redblack").then(renderRedBlack).catch(fail);
    if (path === "tasks") {
      var unit = /(?:^|&)unit=(\d+)/.exec(query);
      if (unit) { listState.unit = unit[1]; listState.offset = 0; }
      return loadTasks();
    }
    var m = /^task\/(\d+)$/.exec(path);
    if (m) return api("tasks/" + m[1]).then(function (data) {
      if (data._status === 404) { show([el("p", { class: "notice bad", text: t("web.not_found") })]); return; }
      renderTask(data);
    }).catch(fail);
    var data = prefetched || api("overview");
    prefetched = null;
    return data.then(renderOverview).catch(fail);
  }
  var prefetched = null;

  function start() {
    TG.ready(); TG.expand();
    // The overview (the usual first page) is asked for alongside who the viewer is, not after.
    if (!window.location.hash && !TG.startParam) prefetched = api("overview");
    api("me").then(function (data) {
      me = data; S = data.strings;
      document.documentElement.lang = data.lang;
      document.title = t("web.title");
      document.getElementById("title").textContent = t("web.title");
      document.getElementById("who").textContent = data.name + " · " + t("web.role." + data.role);
      Array.prototype.forEach.call(document.querySelectorAll("[data-t]"), function (n) { n.textContent = t(n.getAttribute("data-t")); });
      document.getElementById("tabs").hidden = false;
      // A deep link (startapp=task_N) opens that task's page first.
      var deep = /^task_(\d+)$/.exec(TG.startParam || "");
      if (deep && !window.location.hash) history.replaceState(null, "", "#/task/" + deep[1]);
      window.addEventListener("hashchange", route);
      return route();
    }).catch(fail);
  }
  start();
})();
