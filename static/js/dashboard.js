// The dashboard's charts (Apache ECharts, served from node_modules) and its sortable ranking tables.
// A click on a bar sets the filter the bar stands for in the page's URL and reloads: the server computes every
// figure again for that filter, and the "open on the map" link carries the same parameters.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const charts = [];
  const colors = { findings: "#2c7bb6", closures: "#1a9641", bars: "#5470c6", overdue: "#d7191c" };
  // Numbers and days in the page's language (1,234; "Dec 6" or "12月6日"), on axes, labels and tooltips alike.
  const lang = document.documentElement.lang || undefined;
  const numbers = new Intl.NumberFormat(lang);
  const days = new Intl.DateTimeFormat(lang, { month: "short", day: "numeric" });
  const number = (value) => (typeof value === "number" ? numbers.format(value) : value);
  const dayLabel = (iso) => {
    const [year, month, day] = iso.split("-").map(Number);
    return days.format(new Date(year, month - 1, day));
  };
  const valueAxis = { type: "value", minInterval: 1, axisLabel: { formatter: number } };
  const barLabel = (position) => ({ show: true, position, formatter: (params) => number(params.value) });

  function filterBy(name, value) {
    const url = new URL(window.location.href);
    url.searchParams.set(name, value);
    window.location.assign(url.toString());
  }

  function dayClicked(day) {
    const url = new URL(window.location.href);
    url.searchParams.set("start", day);
    url.searchParams.set("end", day);
    window.location.assign(url.toString());
  }

  function make(id, option, onClick) {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true } }, option));
    if (onClick) chart.on("click", onClick);
    charts.push(chart);
  }

  make("chart-per_day", {
    tooltip: { trigger: "axis", valueFormatter: number },
    legend: { top: 0, data: [data.text.findings, data.text.closures] },
    xAxis: { type: "category", data: data.days.map(dayLabel) },
    yAxis: valueAxis,
    series: [
      { name: data.text.findings, type: "bar", data: data.findings_per_day, itemStyle: { color: colors.findings } },
      { name: data.text.closures, type: "bar", data: data.closures_per_day, itemStyle: { color: colors.closures } },
    ],
  }, (event) => dayClicked(data.days[event.dataIndex]));

  Object.keys(data.filters).forEach((name) => {
    const bars = data[name];
    make(`chart-${name}`, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
      xAxis: valueAxis,
      yAxis: { type: "category", inverse: true, data: bars.map((bar) => bar.label), axisLabel: { width: 110, overflow: "truncate" } },
      series: [{
        type: "bar",
        data: bars.map((bar) => ({ value: bar.value, key: bar.key })),
        itemStyle: { color: colors.bars },
        label: barLabel("right"),
        cursor: "pointer",
      }],
    }, (event) => {
      const key = event.data && event.data.key;
      if (key !== null && key !== undefined) filterBy(data.filters[name], key);
    });
  });

  make("chart-ageing", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: number },
    xAxis: { type: "category", data: data.ageing.map((bar) => bar.label) },
    yAxis: valueAxis,
    series: [{ name: data.text.overdue, type: "bar", data: data.ageing.map((bar) => bar.value), itemStyle: { color: colors.overdue }, label: barLabel("top") }],
  });

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));

  // Sortable tables: a click on a header sorts by that column (numbers as numbers), a second click reverses.
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("button.sort").forEach((button) => {
      button.addEventListener("click", () => {
        const column = Number(button.dataset.column);
        const ascending = button.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("button.sort").forEach((other) => other.removeAttribute("aria-sort"));
        button.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        const value = (row) => {
          const raw = row.cells[column].dataset.sort;
          const number = Number(raw);
          return raw !== "" && !Number.isNaN(number) ? number : raw;
        };
        rows.sort((a, b) => {
          const x = value(a), y = value(b);
          const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), document.documentElement.lang);
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  });
})();
