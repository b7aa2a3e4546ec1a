// stageguide team chart (window.stageguide.chart): the team report's figure, one row per
// dimension with a mark per person and each group's mean, and its legend. Drawn as SVG
// from the report the scoring core returns; team.js places it in the report.
(() => {
  "use strict";
  const stageguide = window.stageguide;
  if (stageguide.chart) return;
  const { h, svg } = stageguide.ui;
  const fixed = (value) => (value === null || value === undefined ? "–" : Number(value).toFixed(2));
  const groupKey = (id) => id ?? "";
  // Okabe-Ito colours (safe for colour-blind readers) and a distinct shape per group, so that
  // colour is never the only difference. Indexed by the group's place in the quiz.
  const STYLES = [
    { colour: "#0072B2", shape: "circle", dash: "" },
    { colour: "#D55E00", shape: "square", dash: "6 3" },
    { colour: "#009E73", shape: "triangle", dash: "2 3" },
    { colour: "#CC79A7", shape: "diamond", dash: "8 3 2 3" },
    { colour: "#E69F00", shape: "down", dash: "4 4" },
    { colour: "#56B4E9", shape: "plus", dash: "1 2" },
  ];
  const NO_GROUP_STYLE = { colour: "#757575", shape: "ring", dash: "3 2" };
  const DOT_TITLES_UP_TO = 100; // a hover title per dot helps in a small team; in a big one they overlap anyway

  // --------------------------------------------------------------- styles
  function styleFor(settings, id) {
    const index = settings.quiz.groups.indexOf(id);
    return index < 0 ? NO_GROUP_STYLE : STYLES[index % STYLES.length];
  }

  function marker(style, x, y, size, hollow) {
    const fill = hollow ? "none" : style.colour;
    const common = { fill, stroke: style.colour, "stroke-width": hollow ? 2 : 1, class: "sg-chart__mark" };
    const r = size / 2;
    switch (style.shape) {
      case "square":
        return svg("rect", { ...common, x: x - r * 0.85, y: y - r * 0.85, width: r * 1.7, height: r * 1.7 });
      case "triangle":
        return svg("polygon", { ...common, points: `${x},${y - r} ${x + r},${y + r * 0.8} ${x - r},${y + r * 0.8}` });
      case "down":
        return svg("polygon", { ...common, points: `${x},${y + r} ${x + r},${y - r * 0.8} ${x - r},${y - r * 0.8}` });
      case "diamond":
        return svg("polygon", { ...common, points: `${x},${y - r} ${x + r},${y} ${x},${y + r} ${x - r},${y}` });
      case "plus": {
        const t = r * 0.35;
        return svg("polygon", {
          ...common,
          points: [
            [-t, -r],
            [t, -r],
            [t, -t],
            [r, -t],
            [r, t],
            [t, t],
            [t, r],
            [-t, r],
            [-t, t],
            [-r, t],
            [-r, -t],
            [-t, -t],
          ]
            .map(([dx, dy]) => `${x + dx},${y + dy}`)
            .join(" "),
        });
      }
      case "ring":
        return svg("circle", { ...common, fill: "none", "stroke-width": 2, cx: x, cy: y, r: r * 0.8 });
      default:
        return svg("circle", { ...common, cx: x, cy: y, r });
    }
  }

  function legendKey(style, hollow = false) {
    return svg(
      "svg",
      {
        class: "sg-legend__key",
        viewBox: "0 0 16 16",
        width: 16,
        height: 16,
        "aria-hidden": "true",
        focusable: "false",
      },
      marker(style, 8, 8, 11, hollow),
    );
  }

  // ---------------------------------------------------------------- chart
  // One row per dimension: a dot per respondent at their mean on the scale (stacked when
  // they coincide), and for each group a line and an open marker at the group's mean.
  function renderChart(report, settings, captionId, steps) {
    const width = 640;
    const left = 24;
    const right = width - 24;
    const rowHeight = 78;
    const titleHeight = 18;
    const axisHeight = 28;
    const dot = 9;
    const { min, max } = report.scale;
    const x = (value) => left + ((value - min) / (max - min || 1)) * (right - left);
    const height = report.dimensions.length * (rowHeight + titleHeight) + axisHeight;
    const plotBottom = height - axisHeight;

    const order = (id) => report.groups.findIndex((group) => group.id === id);
    const byGroup = [...report.respondents].sort((a, b) => order(a.group) - order(b.group) || a.number - b.number);

    const chart = svg("svg", {
      class: "sg-chart",
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-labelledby": captionId,
      "data-team-chart": "",
    });
    const grid = svg("g", { class: "sg-chart__grid", "aria-hidden": "true" });
    for (let value = min; value <= max; value += 1) {
      grid.append(
        svg("line", { x1: x(value), x2: x(value), y1: 0, y2: plotBottom }),
        svg(
          "text",
          { x: x(value), y: plotBottom + 18, "text-anchor": "middle", class: "sg-chart__tick" },
          String(value),
        ),
      );
    }
    chart.append(grid);

    report.dimensions.forEach((dimension, index) => {
      const top = index * (rowHeight + titleHeight);
      const middle = top + titleHeight + rowHeight / 2;
      const row = svg("g", { class: "sg-chart__row", "data-dimension": dimension.id });
      row.append(svg("text", { x: left - 16, y: top + 13, class: "sg-chart__title" }, dimension.title));
      row.append(svg("line", { x1: left, x2: right, y1: middle, y2: middle, class: "sg-chart__axis" }));

      // Stack coinciding dots: alternate above and below the middle line, squeezed to fit.
      // Respondents go in group order, so each stack shows its groups together.
      const stacks = new Map();
      for (const person of byGroup) {
        const value = person.dimensions[index];
        if (value === null) continue; // judged none of this dimension's statements
        const bucket = Math.round(x(value) / dot);
        if (!stacks.has(bucket)) stacks.set(bucket, []);
        stacks.get(bucket).push({ person, value });
      }
      const tallest = Math.max(...Array.from(stacks.values(), (stack) => stack.length));
      const step = Math.min(dot + 1, (rowHeight - dot - 6) / Math.max(tallest - 1, 1));
      const dots = svg("g", { class: "sg-chart__dots" });
      row.append(dots);
      steps.push(() => {
        const fragment = document.createDocumentFragment();
        for (const stack of stacks.values()) {
          stack.forEach(({ person, value }, place) => {
            const offset = place === 0 ? 0 : Math.ceil(place / 2) * (place % 2 ? -1 : 1);
            const mark = marker(styleFor(settings, person.group), x(value), middle + offset * step, dot, false);
            mark.classList.add("sg-chart__dot");
            mark.setAttribute("data-group", groupKey(person.group));
            if (report.respondents.length <= DOT_TITLES_UP_TO)
              mark.append(svg("title", {}, `${person.label}: ${fixed(value)}`));
            fragment.append(mark);
          });
        }
        dots.append(fragment);
      });
      for (const group of dimension.groups) {
        if (group.mean === null) continue;
        const style = styleFor(settings, group.id);
        const at = x(group.mean);
        const mean = svg("g", { class: "sg-chart__mean", "data-group": groupKey(group.id) });
        mean.append(
          svg("line", {
            x1: at,
            x2: at,
            y1: top + titleHeight + 4,
            y2: top + titleHeight + rowHeight - 4,
            stroke: style.colour,
            "stroke-width": 2.5,
            "stroke-dasharray": style.dash || null,
          }),
          marker(style, at, top + titleHeight + 4, 12, true),
          svg("title", {}, `${group.title} mean: ${fixed(group.mean)}`),
        );
        row.append(mean);
      }
      chart.append(row);
    });
    return chart;
  }

  function renderLegend(report, settings) {
    return h(
      "ul",
      { class: "sg-legend" },
      report.groups.map((group) =>
        h(
          "li",
          { "data-group": groupKey(group.id) },
          legendKey(styleFor(settings, group.id)),
          ` ${group.title} (${group.count})`,
        ),
      ),
      h(
        "li",
        { class: "sg-legend__note" },
        "Each filled mark is one person; a line with an open mark is a group's mean.",
      ),
    );
  }

  Object.defineProperty(stageguide, "chart", {
    enumerable: true,
    value: Object.freeze({ renderChart, renderLegend }),
  });
})();
