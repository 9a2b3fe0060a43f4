import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { autoKind, chartData, type ChartData, type ChartInput, type ChartKind } from './chart-shape.js';

// Tree-shaken: only the three charts and the components they use are bundled.
echarts.use([BarChart, LineChart, HeatmapChart, GridComponent, TooltipComponent, LegendComponent, VisualMapComponent, DataZoomComponent, CanvasRenderer]);

const PALETTE = ['#4f46e5', '#0d9488', '#f59e0b', '#e11d48', '#7c3aed', '#0284c7', '#65a30d', '#db2777', '#ea580c', '#475569', '#14b8a6', '#a855f7'];
/** 2,103,000 → "2.1M": axis ticks, the colour scale and cell labels stay short. */
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const short = (value: number) => (Math.abs(value) < 10_000 ? String(Number(value.toPrecision(6))) : compact.format(value));
const AXIS = { axisLine: { lineStyle: { color: '#cbd5e1' } }, axisLabel: { color: '#475569' }, splitLine: { lineStyle: { color: '#eef2f7' } } };

/** The chart panel: draws the current result as `kind` ('auto' picks from its shape). */
export class ResultChart {
  private readonly chart: echarts.ECharts;

  constructor(
    private readonly element: HTMLElement,
    private readonly note: HTMLElement,
  ) {
    this.chart = echarts.init(element, undefined, { renderer: 'canvas' });
    new ResizeObserver(() => this.chart.resize()).observe(element);
  }

  /** Draws `input`; returns the kind drawn (undefined when the result has no chartable shape). */
  draw(input: ChartInput, requested: ChartKind | 'auto'): ChartKind | undefined {
    const kind = requested === 'auto' ? autoKind(input.columns) : requested;
    const data = kind === undefined ? { problem: 'Charts need at least one numeric column.' } : chartData(kind, input);
    this.chart.clear();
    if ('problem' in data) {
      this.element.dataset.kind = 'none';
      this.note.textContent = data.problem;
      return undefined;
    }
    this.chart.setOption(optionFor(data), { notMerge: true });
    this.element.dataset.kind = data.kind;
    this.note.textContent = describe(data, requested === 'auto');
    return data.kind;
  }

  clear(message: string): void {
    this.chart.clear();
    this.element.dataset.kind = 'none';
    this.note.textContent = message;
  }
}

function describe(data: ChartData, auto: boolean): string {
  const chosen = auto ? 'Chosen from the result’s shape: ' : '';
  if (data.kind === 'heatmap') return `${chosen}${data.valueName} by ${data.xName} × ${data.yName}.`;
  const clipped = data.kind === 'bar' && data.clipped ? ` The first ${data.categories.length} rows are drawn, ${data.clipped.toLocaleString()} more are not.` : '';
  return `${chosen}${data.series.map((s) => s.name).join(', ')} by ${data.xName}.${clipped}`;
}

function optionFor(data: ChartData): echarts.EChartsCoreOption {
  const base = { color: PALETTE, animationDuration: 300, textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' } };
  if (data.kind === 'heatmap') {
    return {
      ...base,
      tooltip: { position: 'top' },
      grid: { left: 36, right: 88, top: 16, bottom: 36, containLabel: true },
      xAxis: { type: 'category', data: data.x, name: data.xName, nameLocation: 'middle', nameGap: 30, nameTextStyle: { color: '#475569', fontWeight: 600 }, splitArea: { show: true }, ...AXIS },
      yAxis: {
        type: 'category',
        data: data.y,
        name: data.yName,
        nameLocation: 'middle',
        nameRotate: 90,
        // Clear of the widest category label (about 7 px per character at 12 px).
        nameGap: 14 + 7 * Math.min(24, Math.max(...data.y.map((y) => y.length))),
        nameTextStyle: { color: '#475569', fontWeight: 600 },
        splitArea: { show: true },
        ...AXIS,
      },
      visualMap: {
        min: data.min,
        max: data.max,
        calculable: true,
        orient: 'vertical',
        right: 8,
        top: 'middle',
        itemHeight: 160,
        formatter: (value: number) => short(value),
        textStyle: { color: '#475569' },
        inRange: { color: ['#eef2ff', '#818cf8', '#3730a3'] },
      },
      series: [{ type: 'heatmap', name: data.valueName, data: data.cells, label: { show: data.cells.length <= 64, formatter: (p: { value: [number, number, number] }) => short(p.value[2]), color: '#ffffff', textBorderColor: 'rgba(15, 23, 42, 0.6)', textBorderWidth: 2 }, emphasis: { itemStyle: { shadowBlur: 8, shadowColor: 'rgba(0,0,0,0.3)' } } }],
    };
  }
  const many = data.series.length > 1;
  const grid = { left: 8, right: 24, top: many ? 40 : 16, bottom: 8, containLabel: true };
  const legend = many ? { top: 4, type: 'scroll', textStyle: { color: '#334155' } } : undefined;
  if (data.kind === 'line') {
    return {
      ...base,
      tooltip: { trigger: 'axis' },
      legend,
      grid,
      // time labels (`06:00`, `12:00`…) collide when the chart is narrow: let ECharts drop the overlapping ones
      xAxis: data.xIsTime ? { type: 'time', ...AXIS, splitLine: { show: false }, axisLabel: { color: '#475569', hideOverlap: true } } : { type: 'category', data: data.categories, ...AXIS, axisLabel: { color: '#475569', hideOverlap: true } },
      yAxis: { type: 'value', scale: true, ...AXIS, axisLabel: { color: '#475569', formatter: short } },
      series: data.series.map((s) => ({ type: 'line', name: s.name, data: s.data, showSymbol: s.data.length <= 60, smooth: false, lineStyle: { width: 2 } })),
    };
  }
  return {
    ...base,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend,
    grid,
    xAxis: { type: 'category', data: data.categories, ...AXIS, axisLabel: { color: '#475569', interval: 'auto', hideOverlap: true } },
    yAxis: { type: 'value', ...AXIS, axisLabel: { color: '#475569', formatter: short } },
    series: data.series.map((s) => ({ type: 'bar', name: s.name, data: s.data, barMaxWidth: 48, itemStyle: { borderRadius: [4, 4, 0, 0] } })),
  };
}
