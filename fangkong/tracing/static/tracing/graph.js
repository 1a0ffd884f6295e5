// The chain graph (ECharts graph from our own static files; no inline script under the CSP).
// Nodes: cases coloured by classification, confirmed contacts; edges: contact type (case → contact)
// and source case → case. Clicking a case opens it.
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
      var chart = echarts.init(holder, null, {renderer: big ? "canvas" : "canvas"});
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
