/** A key to the colours of a graph view (diff states, staleness kinds): swatch, words, count. */
export interface LegendItem {
  /** Class of the swatch; the stylesheet gives it the colour the nodes use. */
  swatch: string;
  label: string;
  count?: number;
}

export function Legend({ title, items }: { title: string; items: LegendItem[] }) {
  return (
    <div className="legend" role="list" aria-label={title} data-testid="legend">
      {items.map((item) => (
        <span key={item.swatch} className="legend-item" role="listitem">
          <span className={`swatch ${item.swatch}`} aria-hidden="true" /> {item.label}
          {item.count !== undefined && <span className="muted"> ({item.count})</span>}
        </span>
      ))}
    </div>
  );
}
