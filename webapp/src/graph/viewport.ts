/**
 * The first view of a lineage graph: how to lay the columns out and where to put the camera
 * so that node labels are legible when the page opens.
 *
 * A plain "fit everything" made a ten-node chain (eight columns, one or two rows) into a thin
 * strip at zoom 0.6, with labels seven pixels high. Two levers fix it, both pure functions here:
 * wrap a long, shallow graph into bands of columns stacked top to bottom (reading order, so data
 * still flows left to right inside a band), and never open below the zoom at which labels reach
 * `MIN_LABEL_PX`; a graph too big to fit at that zoom opens around the start node instead, the
 * rest a pan or the minimap away.
 */

/** Font size of a node's label in the stylesheet (`.gnode-label`); keep the two in step. */
export const LABEL_FONT_PX = 13;
/** The smallest rendered label the first view may show (font size times zoom). */
export const MIN_LABEL_PX = 11;
/** Rounded up, so that rounding never leaves a label at 10.99 px. */
export const LEGIBLE_ZOOM = Math.ceil((MIN_LABEL_PX / LABEL_FONT_PX) * 1000) / 1000;
/** Labels at their stylesheet size: wrapping stops adding bands once this is reached. */
export const FULL_SIZE_ZOOM = 1;
/** Small graphs are not blown up past this. */
export const MAX_FIT_ZOOM = 1.2;
/** Screen pixels kept free around a fitted graph. */
export const FIT_PADDING_PX = 24;

export interface Size {
  width: number;
  height: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** React Flow's viewport transform: screen = flow * zoom + (x, y). */
export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface Cell {
  columnWidth: number;
  rowHeight: number;
  nodeWidth: number;
  nodeHeight: number;
  /** Vertical space between two bands, room for the edges that run from one to the next. */
  bandGap: number;
}

/** The zoom that fits `extent` into `canvas` with the padding, capped at `MAX_FIT_ZOOM`. */
export function fitZoom(extent: Size, canvas: Size): number {
  const width = Math.max(canvas.width - 2 * FIT_PADDING_PX, 1);
  const height = Math.max(canvas.height - 2 * FIT_PADDING_PX, 1);
  return Math.min(width / Math.max(extent.width, 1), height / Math.max(extent.height, 1), MAX_FIT_ZOOM);
}

/** Width and height (flow units) of columns of these sizes laid out `perBand` columns to a band. */
export function bandedExtent(columnSizes: readonly number[], perBand: number, cell: Cell): Size {
  const count = columnSizes.length;
  if (count === 0) return { width: 0, height: 0 };
  const across = Math.min(perBand, count);
  let height = 0;
  let bands = 0;
  for (let start = 0; start < count; start += perBand) {
    const rows = Math.max(1, ...columnSizes.slice(start, start + perBand));
    height += (rows - 1) * cell.rowHeight + cell.nodeHeight;
    bands++;
  }
  height += (bands - 1) * cell.bandGap;
  return { width: (across - 1) * cell.columnWidth + cell.nodeWidth, height };
}

/**
 * How many columns to put in each band. One band (no wrapping) when that is already legible;
 * otherwise the fewest bands that show labels at full size, or failing that the most legible
 * wrapping; no wrapping at all when even the best is below `LEGIBLE_ZOOM`, because then the
 * graph opens around its start node and a single band keeps it the familiar left-to-right shape.
 */
export function columnsPerBand(columnSizes: readonly number[], canvas: Size, cell: Cell): number {
  const count = columnSizes.length;
  if (count <= 1) return Math.max(count, 1);
  const zoomFor = (perBand: number): number => fitZoom(bandedExtent(columnSizes, perBand, cell), canvas);
  if (zoomFor(count) >= LEGIBLE_ZOOM) return count;
  let best = count;
  let bestZoom = zoomFor(count);
  for (let perBand = count - 1; perBand >= 1; perBand--) {
    const zoom = zoomFor(perBand);
    if (zoom >= FULL_SIZE_ZOOM) return perBand;
    if (zoom > bestZoom) {
      best = perBand;
      bestZoom = zoom;
    }
  }
  return bestZoom >= LEGIBLE_ZOOM ? best : count;
}

/** The smallest box holding every node (positions are top-left corners). */
export function boundsOf(positions: Iterable<{ x: number; y: number }>, node: Size): Box | null {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const p of positions) {
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
    maxX = Math.max(maxX, p.x + node.width);
    maxY = Math.max(maxY, p.y + node.height);
  }
  if (minX === Infinity) return null;
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** Keep the view's edge from leaving the graph's side, when the graph is longer than the view. */
function clampOffset(offset: number, start: number, length: number, zoom: number, screen: number): number {
  const low = screen - FIT_PADDING_PX - (start + length) * zoom;
  const high = FIT_PADDING_PX - start * zoom;
  if (low > high) return (low + high) / 2;
  return Math.min(Math.max(offset, low), high);
}

/**
 * Where the camera starts: the whole graph when it fits at a legible zoom; otherwise
 * `LEGIBLE_ZOOM` centred on `focus` (the traced output), shifted only as far as needed so
 * that no empty space shows beyond the graph's edges. `focus` stays in view either way.
 */
export function initialViewport(bounds: Box, canvas: Size, focus: Box | null): Viewport {
  const fit = fitZoom(bounds, canvas);
  if (fit >= LEGIBLE_ZOOM) {
    return {
      x: canvas.width / 2 - (bounds.x + bounds.width / 2) * fit,
      y: canvas.height / 2 - (bounds.y + bounds.height / 2) * fit,
      zoom: fit,
    };
  }
  const zoom = LEGIBLE_ZOOM;
  const target = focus ?? bounds;
  const x = canvas.width / 2 - (target.x + target.width / 2) * zoom;
  const y = canvas.height / 2 - (target.y + target.height / 2) * zoom;
  return {
    x: clampOffset(x, bounds.x, bounds.width, zoom, canvas.width),
    y: clampOffset(y, bounds.y, bounds.height, zoom, canvas.height),
    zoom,
  };
}
