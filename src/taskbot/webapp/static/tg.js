/* A tiny stand-in for telegram-web-app.js (which lives on telegram.org): the launch parameters
   Telegram puts in the URL fragment (tgWebAppData, tgWebAppThemeParams), the theme as CSS
   variables, and the two events the page sends (ready, expand). Nothing is loaded from elsewhere. */
(function () {
  "use strict";
  var KEY = "taskbot.tgWebApp";
  function fragment() {
    var params = {};
    var hash = window.location.hash.replace(/^#/, "");
    if (hash.indexOf("tgWebApp") === -1) return null;
    hash.split("&").forEach(function (pair) {
      var i = pair.indexOf("=");
      if (i > 0) params[decodeURIComponent(pair.slice(0, i))] = decodeURIComponent(pair.slice(i + 1));
    });
    return params;
  }
  var launch = fragment();
  if (launch) {
    try { sessionStorage.setItem(KEY, JSON.stringify(launch)); } catch (e) { /* private mode */ }
    history.replaceState(null, "", window.location.pathname + window.location.search);
  } else {
    try { launch = JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { launch = null; }
  }
  launch = launch || {};
  var theme = {};
  try { theme = JSON.parse(launch.tgWebAppThemeParams || "{}"); } catch (e) { theme = {}; }
  var root = document.documentElement.style;
  Object.keys(theme).forEach(function (name) {
    if (/^#[0-9a-fA-F]{3,8}$/.test(theme[name])) root.setProperty("--tg-theme-" + name.replace(/_/g, "-"), theme[name]);
  });
  function postEvent(type, data) {
    var body = JSON.stringify(data || {});
    try {
      if (window.TelegramWebviewProxy) window.TelegramWebviewProxy.postEvent(type, body);
      else if (window.external && "notify" in window.external) window.external.notify(JSON.stringify({ eventType: type, eventData: data || {} }));
      else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType: type, eventData: data || {} }), "*");
    } catch (e) { /* outside Telegram */ }
  }
  window.TaskbotTG = {
    initData: launch.tgWebAppData || "",
    startParam: launch.tgWebAppStartParam || "",
    themeParams: theme,
    ready: function () { postEvent("web_app_ready"); },
    expand: function () { postEvent("web_app_expand"); }
  };
})();
