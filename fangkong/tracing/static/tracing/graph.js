// The chain graph (ECharts graph from our own static files; no inline script under the CSP).
// Nodes: cases coloured by classification, confirmed contacts; edges: contact type (case → contact)
// and source case → case. Clicking a case opens it.
// A district-wide graph (tens of thousands of cases, a hundred thousand contacts) is too big for a force
// layout in the browser (issue 23: not drawn within a minute at 10,000 nodes). It is laid out in one pass
// instead: cases on a grid, each case's contacts in a ring around it; points and lines are drawn by
// ECharts' large-mode scatter and lines series, zoomed with the wheel. Clicking a case still opens it.
function drawBig(chart, data) {
  var holder = chart.getDom();
  var caseUrl = holder.dataset.caseUrl;
  var colours = ["#e6a23c", "#c8161d", "#9b59b6", "#909399", "#409eff"];
  var pos = {}, caseNodes = [], others = [];
  data.nodes.forEach(function (n) { (n.case ? caseNodes : others).push(n); });
  var cols = Math.max(1, Math.ceil(Math.sqrt(caseNodes.length)));
  caseNodes.forEach(function (n, i) { pos[n.id] = [(i % cols) * 10, Math.floor(i / cols) * 10]; });
  var ring = {};
  data.links.forEach(function (l) {
    var c = pos[l.source];
    if (!c || pos[l.target]) return;
    var k = ring[l.source] = (ring[l.source] || 0) + 1;
    var a = k * 2.399963, r = 1.2 + 0.45 * Math.sqrt(k);  // golden-angle spiral around the case
    pos[l.target] = [c[0] + r * Math.cos(a), c[1] + r * Math.sin(a)];
  });
  var rows = Math.ceil(caseNodes.length / cols) + 1;
  others.forEach(function (n, i) { if (!pos[n.id]) pos[n.id] = [(i % cols) * 10 + 5, (rows + Math.floor(i / cols)) * 10]; });
  var series = data.categories.map(function (name, ci) {
    var points = [];
    data.nodes.forEach(function (n) { if (n.category === ci) { var p = pos[n.id]; points.push([p[0], p[1], n.case || 0]); } });
    return {type: "scatter", name: name, large: true, largeThreshold: 2000, symbolSize: ci === data.categories.length - 1 ? 2 : 4,
            itemStyle: {color: colours[ci % colours.length]}, data: points};
  });
  var lines = [];
  data.links.forEach(function (l) { var a = pos[l.source], b = pos[l.target]; if (a && b) lines.push([a, b]); });
  series.unshift({type: "lines", coordinateSystem: "cartesian2d", large: true, largeThreshold: 2000, silent: true,
                  lineStyle: {color: "#999", width: 0.5, opacity: 0.3}, data: lines});
  chart.setOption({
    animation: false,
    legend: [{data: data.categories, top: 0}],
    grid: {left: 10, right: 10, top: 30, bottom: 10},
    xAxis: {type: "value", show: false, scale: true}, yAxis: {type: "value", show: false, scale: true, inverse: true},
    dataZoom: [{type: "inside", xAxisIndex: 0, filterMode: "none"}, {type: "inside", yAxisIndex: 0, filterMode: "none"}],
    series: series
  });
  chart.on("click", function (p) {
    if (p.seriesType === "scatter" && p.data && p.data[2]) window.location.href = caseUrl.replace(/\/0\/$/, "/" + p.data[2] + "/");
  });
}

window.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("chain-graph");
  var status = document.getElementById("graph-status");
  if (!holder || !holder.dataset.url) return;
  if (!window.echarts) { if (status) status.textContent = "ECharts missing"; return; }
  var caseUrl = holder.dataset.caseUrl;  // ends with /0/
  var colours = ["#e6a23c", "#c8161d", "#9b59b6", "#909399", "#409eff"];
  var edgeColours = {household: "#67c23a", copresence: "#409eff", workplace: "#e6a23c", named: "#909399"};
  fetch(holder.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (r) { return r.json(); })
    .then(function (data) {
      var big = data.nodes.length > 3000;
      var chart = echarts.init(holder, null, {renderer: "canvas"});
      if (big) {
        drawBig(chart, data);
        holder.dataset.nodes = String(data.nodes.length);
        holder.dataset.links = String(data.links.length);
        holder.dataset.rendered = "1";
        if (status) status.textContent = data.nodes.length + " · " + data.links.length;
        window.addEventListener("resize", function () { chart.resize(); });
        return;
      }
      var nodes = data.nodes.map(function (n) {
        return {id: n.id, name: n.name, category: n.category, case: n.case,
                symbolSize: n.case ? (big ? 4 : 16) : (big ? 2 : 9)};
      });
      var links = data.links.map(function (l) {
        return {source: l.source, target: l.target, kind: l.kind,
                lineStyle: {color: edgeColours[l.kind] || "#999", width: l.chain ? 2.5 : 1, type: l.chain ? "solid" : "dashed"}};
      });
      chart.setOption({
        tooltip: {formatter: function (p) { return p.dataType === "edge" ? (data.kinds[p.data.kind] || p.data.kind) : p.data.name; }},
        legend: [{data: data.categories, top: 0}],
        animation: !big,
        series: [{
          type: "graph", layout: "force", roam: true, draggable: !big,
          categories: data.categories.map(function (c, i) { return {name: c, itemStyle: {color: colours[i % colours.length]}}; }),
          data: nodes, links: links,
          label: {show: !big, position: "right", fontSize: 11},
          edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
          force: {repulsion: big ? 8 : 120, edgeLength: big ? 6 : 60, gravity: big ? 0.2 : 0.1, layoutAnimation: !big},
          emphasis: {focus: "adjacency"}
        }]
      });
      chart.on("click", function (p) {
        if (p.dataType === "node" && p.data.case) window.location.href = caseUrl.replace(/\/0\/$/, "/" + p.data.case + "/");
      });
      window.addEventListener("resize", function () { chart.resize(); });
      holder.dataset.nodes = String(nodes.length);
      holder.dataset.links = String(links.length);
      holder.dataset.rendered = "1";
      if (status) status.textContent = nodes.length + " · " + links.length;
    })
    .catch(function (e) { if (status) status.textContent = String(e); });
});
