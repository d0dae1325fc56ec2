// Filters of the dashboard, offline: the KPI cards are sums over the daily rows embedded in
// the page (sql/50_dashboard/500_select_daily_sales.sql) for the chosen days and category.
// Money is summed in integer cents, so the cards equal the database's sums exactly.
// The state lives in the address (#from=2024-01-01&to=2024-03-31&category=Books): a filtered
// view can be bookmarked or shared. Text goes into the page with textContent only.
// dashboard.html.j2 includes this file as a Jinja template: no Jinja delimiters in it.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var DAY_MS = 86400000;
  var fromInput = document.getElementById("filter-from");
  var toInput = document.getElementById("filter-to");
  var categoryInput = document.getElementById("filter-category");

  function dayMs(iso) { return Date.parse(iso + "T00:00:00Z"); }
  function isoDay(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function addDays(iso, n) { return isoDay(dayMs(iso) + n * DAY_MS); }
  function dayCount(from, to) { return Math.round((dayMs(to) - dayMs(from)) / DAY_MS) + 1; }
  function validDay(text) { return /^\d{4}-\d{2}-\d{2}$/.test(text || "") && !isNaN(dayMs(text)); }
  // Half away from zero, like PostgreSQL's round(numeric).
  function roundHalfAway(x) { return x < 0 ? -Math.round(-x) : Math.round(x); }

  function grouped(number, decimals) {
    return number.toLocaleString("en-US", {minimumFractionDigits: decimals, maximumFractionDigits: decimals});
  }
  function money(cents, decimals) {
    var places = Math.min(decimals, data.currency.decimals);
    var factor = Math.pow(10, 2 - places);
    var rounded = roundHalfAway(cents / factor) * factor;
    return (rounded < 0 ? "-" : "") + data.currency.prefix + grouped(Math.abs(rounded) / 100, places);
  }
  function centsText(cents) {
    var abs = Math.abs(cents);
    return (cents < 0 ? "-" : "") + Math.floor(abs / 100) + "." + String(abs % 100).padStart(2, "0");
  }
  function tenthsText(tenths) { return (tenths / 10).toFixed(1); }

  function totals(from, to, category) {
    var index = category === "" ? -1 : data.categories.indexOf(category);
    var t = {orders: 0, units: 0, revenue: 0, profit: 0};
    data.days.forEach(function (r) {
      if (r[1] === index && r[0] >= from && r[0] <= to) {
        t.orders += r[2]; t.units += r[3]; t.revenue += r[4]; t.profit += r[5];
      }
    });
    return t;
  }

  // Each KPI: the number compared between periods, its exact text for data-value, its display.
  var KPIS = {
    net_revenue: function (t) { return {n: t.revenue, exact: centsText(t.revenue), text: money(t.revenue, 0)}; },
    orders: function (t) { return {n: t.orders, exact: String(t.orders), text: grouped(t.orders, 0)}; },
    units: function (t) { return {n: t.units, exact: String(t.units), text: grouped(t.units, 0)}; },
    average_order_value: function (t) {
      if (!t.orders) { return null; }
      var aov = roundHalfAway(t.revenue / t.orders);
      return {n: aov, exact: centsText(aov), text: money(aov, 2)};
    },
    profit_amount: function (t) { return {n: t.profit, exact: centsText(t.profit), text: money(t.profit, 0)}; }
  };

  function longDate(iso) {
    var d = new Date(dayMs(iso));
    return d.toLocaleDateString("en-GB", {day: "numeric", month: "short", year: "numeric", timeZone: "UTC"});
  }

  function showKpis(state) {
    var days = dayCount(state.from, state.to);
    var prevTo = addDays(state.from, -1);
    var prevFrom = addDays(state.from, -days);
    var comparable = prevFrom >= data.firstDay;
    var current = totals(state.from, state.to, state.category);
    var previous = comparable ? totals(prevFrom, prevTo, state.category) : null;
    document.querySelectorAll("[data-kpi]").forEach(function (card) {
      var key = card.dataset.kpi;
      var now = KPIS[key](current);
      var before = previous ? KPIS[key](previous) : null;
      var value = card.querySelector(".value");
      var change = card.querySelector(".change");
      card.dataset.value = now ? now.exact : "";
      card.dataset.previous = before ? before.exact : "";
      value.textContent = now ? now.text : "—";
      change.className = "change";
      if (!comparable) {
        card.dataset.changePct = "";
        change.textContent = "no earlier " + days + " days in the data to compare with";
      } else if (!now || !before || before.n === 0) {
        card.dataset.changePct = "";
        change.textContent = "previous " + days + " days: " + (before ? before.text : "—") + " (no change to show)";
      } else {
        var tenths = roundHalfAway(1000 * (now.n - before.n) / before.n);
        card.dataset.changePct = tenthsText(tenths);
        change.classList.add(tenths > 0 ? "up" : tenths < 0 ? "down" : "flat");
        change.textContent = (tenths > 0 ? "▲ +" : tenths < 0 ? "▼ " : "■ ") + tenthsText(tenths) +
          "% vs previous " + days + " days (" + before.text + ")";
      }
      if (key === "profit_amount") {
        var margin = current.revenue ? roundHalfAway(1000 * current.profit / current.revenue) : null;
        card.dataset.marginPct = margin === null ? "" : tenthsText(margin);
        card.querySelector(".detail").textContent = margin === null ? "" : tenthsText(margin) + "% margin";
      }
    });
    var label = longDate(state.from) + " – " + longDate(state.to) + " (" + days + " days), " +
      (state.category || "all categories") + ". ";
    label += comparable ? "Changes against the " + days + " days before: " + longDate(prevFrom) + " – " +
      longDate(prevTo) + "." : "The data starts " + longDate(data.firstDay) + ": no earlier period to compare with.";
    if (data.partialDay && state.to >= data.partialDay) {
      label += " " + longDate(data.partialDay) + " is a partial day (its late rows come with the next batch).";
    }
    document.getElementById("period-note").textContent = label;
  }

  function showCharts(state) {
    document.querySelectorAll(".series").forEach(function (el) {
      el.hidden = el.dataset.series !== state.category;
    });
    document.querySelectorAll("svg[data-first-day]").forEach(function (svg) {
      var first = svg.dataset.firstDay;
      var span = Number(svg.dataset.spanDays);
      var left = Number(svg.dataset.plotLeft);
      var width = Number(svg.dataset.plotWidth);
      var x = function (iso) {
        var offset = Math.min(Math.max(dayCount(first, iso) - 1, 0), span);
        return left + width * offset / span;
      };
      var rect = svg.querySelector(".period");
      var x0 = x(state.from);
      rect.setAttribute("x", x0.toFixed(1));
      rect.setAttribute("width", Math.max(x(state.to) - x0, 1).toFixed(1));
    });
    document.querySelectorAll("svg .column").forEach(function (column) {
      var month = column.dataset.month;
      var monthEnd = addDays(isoDay(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)), -1);
      column.classList.toggle("outside", monthEnd < state.from || month > state.to);
    });
    document.querySelectorAll('[data-chart="revenue_by_category"] .bar-row').forEach(function (row) {
      row.classList.toggle("selected", state.category !== "" && row.dataset.key === state.category);
      row.classList.toggle("dimmed", state.category !== "" && row.dataset.key !== state.category);
    });
  }

  function stateFromAddress() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    var from = params.get("from");
    var to = params.get("to");
    var category = params.get("category") || "";
    from = validDay(from) ? from : data.defaultFrom;
    to = validDay(to) ? to : data.defaultTo;
    if (from > to) { var swap = from; from = to; to = swap; }
    from = from < data.firstDay ? data.firstDay : from > data.lastDay ? data.lastDay : from;
    to = to > data.lastDay ? data.lastDay : to < data.firstDay ? data.firstDay : to;
    if (data.categories.indexOf(category) < 0) { category = ""; }
    return {from: from, to: to, category: category};
  }

  function apply(state) {
    fromInput.value = state.from;
    toInput.value = state.to;
    categoryInput.value = state.category;
    showKpis(state);
    showCharts(state);
    document.body.dataset.filters = "applied";
  }

  function changed(state) {
    var params = new URLSearchParams({from: state.from, to: state.to});
    if (state.category) { params.set("category", state.category); }
    window.history.replaceState(null, "", "#" + params.toString());
    apply(stateFromAddress());
  }

  if (!data.days.length) {
    document.querySelectorAll("#filters input, #filters select, #filters button").forEach(function (el) {
      el.disabled = true;
    });
    document.getElementById("period-note").textContent = "No sales in the warehouse yet.";
    document.body.dataset.filters = "empty";
    return;
  }
  [fromInput, toInput].forEach(function (input) {
    input.min = data.firstDay;
    input.max = data.lastDay;
  });
  document.getElementById("filters").addEventListener("change", function () {
    changed({from: fromInput.value || data.defaultFrom, to: toInput.value || data.defaultTo,
             category: categoryInput.value});
  });
  document.querySelectorAll("[data-preset]").forEach(function (button) {
    button.addEventListener("click", function () {
      var preset = button.dataset.preset;
      var from = preset === "all" ? data.firstDay : addDays(data.lastDay, 1 - Number(preset));
      changed({from: from < data.firstDay ? data.firstDay : from, to: data.lastDay,
               category: categoryInput.value});
    });
  });
  window.addEventListener("hashchange", function () { apply(stateFromAddress()); });
  apply(stateFromAddress());
}());
