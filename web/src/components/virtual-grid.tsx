// A virtualised grid (or list, with one column) of fixed-height rows fed by paged queries: only the
// rows in view (plus a margin) exist in the DOM, and only the pages they cover are fetched. A
// library of 100,000 tracks costs what one screen costs.

import type { ComponentChildren, Ref } from 'preact';
import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface GridHandle {
  /** Scrolls so that item `index` is in the top row. */
  scrollToIndex(index: number): void;
}

export interface VirtualGridProps<T> {
  /** Number of items, known before any of them is fetched. */
  total: number;
  /** Fetches items [offset, offset + limit). */
  load(offset: number, limit: number): Promise<readonly T[]>;
  /** Changing it drops every fetched page (the query changed). */
  queryKey: string;
  /** The first page when the caller already has it (fetched with the total), so it is not asked for twice. */
  initial?: readonly T[];
  rowHeight: number;
  /** Columns are as many as fit at this width (1 for a list). */
  minColumnWidth: number;
  pageSize?: number;
  render(item: T | undefined, index: number): ComponentChildren;
  handle?: Ref<GridHandle>;
  onFirstVisible?(index: number): void;
  label: string;
}

const OVERSCAN_ROWS = 3;

export function VirtualGrid<T>(props: VirtualGridProps<T>) {
  const { total, rowHeight, minColumnWidth, queryKey } = props;
  const pageSize = props.pageSize ?? 60;
  const box = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  const [scrollTop, setScrollTop] = useState(0);
  const firstPages = (): Map<number, readonly T[] | 'loading'> => new Map(props.initial ? [[0, props.initial]] : []);
  const pages = useRef(firstPages());
  const [, setLoaded] = useState(0);

  useLayoutEffect(() => {
    const el = box.current!;
    const ro = new ResizeObserver(() => setSize({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    setSize({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  const shownKey = useRef(queryKey);
  useEffect(() => {
    if (shownKey.current === queryKey) return;
    shownKey.current = queryKey;
    pages.current = firstPages();
    setLoaded((n) => n + 1);
  }, [queryKey]);

  const columns = Math.max(1, Math.floor(size.width / minColumnWidth));
  const rows = Math.ceil(total / columns);
  const firstRow = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN_ROWS);
  const lastRow = Math.min(rows - 1, Math.ceil((scrollTop + size.height) / rowHeight) + OVERSCAN_ROWS);
  const firstIndex = firstRow * columns;
  const lastIndex = Math.min(total - 1, (lastRow + 1) * columns - 1);

  useImperativeHandle(props.handle ?? null, () => ({
    scrollToIndex(index: number) {
      const top = Math.floor(index / columns) * rowHeight;
      if (box.current) box.current.scrollTop = top;
      setScrollTop(top);
    },
  }), [columns, rowHeight]);

  useEffect(() => {
    props.onFirstVisible?.(Math.floor(scrollTop / rowHeight) * columns);
    if (lastIndex < firstIndex) return;
    const key = queryKey;
    for (let p = Math.floor(firstIndex / pageSize); p <= Math.floor(lastIndex / pageSize); p++) {
      if (pages.current.has(p)) continue;
      pages.current.set(p, 'loading');
      const map = pages.current;
      props.load(p * pageSize, pageSize).then(
        (items) => {
          if (key !== queryKey || map !== pages.current) return;
          map.set(p, items);
          setLoaded((n) => n + 1);
        },
        () => map.delete(p),
      );
    }
  });

  const itemAt = (i: number): T | undefined => {
    const page = pages.current.get(Math.floor(i / pageSize));
    return page && page !== 'loading' ? page[i % pageSize] : undefined;
  };

  const rowEls = [];
  for (let r = firstRow; r <= lastRow; r++) {
    const cells = [];
    for (let c = 0; c < columns; c++) {
      const i = r * columns + c;
      if (i >= total) break;
      cells.push(<div class="vcell" key={i} role="listitem">{props.render(itemAt(i), i)}</div>);
    }
    rowEls.push(
      <div class="vrow" key={r} style={{ top: `${r * rowHeight}px`, height: `${rowHeight}px`, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
        {cells}
      </div>,
    );
  }

  return (
    <div class="vgrid" ref={box} onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)} role="list" aria-label={props.label} data-total={total}>
      <div class="vspace" style={{ height: `${rows * rowHeight}px` }}>{rowEls}</div>
    </div>
  );
}
