// A few line icons (24×24, currentColor), drawn inline: no icon font to load.
import { h, type FunctionalComponent } from 'vue'

function icon(...paths: string[]): FunctionalComponent {
  return () =>
    h(
      'svg',
      { viewBox: '0 0 24 24', width: '1em', height: '1em', fill: 'none', stroke: 'currentColor', 'stroke-width': 2,
        'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': 'true', focusable: 'false' },
      paths.map((d) => h('path', { d })),
    )
}

export const CopyIcon = icon('M9 9h10v10H9z', 'M5 15H4V4h11v1')
export const CheckIcon = icon('M5 12l5 5L20 7')
export const RefreshIcon = icon('M20 11a8 8 0 1 0-2.3 5.7', 'M20 4v7h-7')
export const InfoIcon = icon('M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z', 'M12 11v5', 'M12 8h.01')
export const OfflineIcon = icon('M2 8.8a15 15 0 0 1 4.2-2.5', 'M22 8.8A15 15 0 0 0 10.7 5.1', 'M5 12.6a10 10 0 0 1 3.5-2.1',
  'M19 12.6a10 10 0 0 0-3-1.9', 'M8.5 16.3a5 5 0 0 1 6.9 0', 'M12 20h.01', 'M3 3l18 18')
export const ExternalIcon = icon('M14 4h6v6', 'M20 4l-9 9', 'M18 14v6H4V6h6')
export const CrossIcon = icon('M6 6l12 12', 'M18 6L6 18')

// The alerts' icons: a filled disc with the mark in the alert's background
// colour (--sd-alert-mark), as Naive UI's alert icons look.
function disc(marks: string[], dots: Array<[number, number]> = []): FunctionalComponent {
  return () =>
    h('svg', { viewBox: '0 0 24 24', width: '1em', height: '1em', 'aria-hidden': 'true', focusable: 'false' }, [
      h('circle', { cx: 12, cy: 12, r: 10, fill: 'currentColor' }),
      ...marks.map((d) => h('path', { d, fill: 'none', stroke: 'var(--sd-alert-mark, #fff)', 'stroke-width': 1.5, 'stroke-linecap': 'round',
        'stroke-linejoin': 'round' })),
      ...dots.map(([cx, cy]) => h('circle', { cx, cy, r: 1.1, fill: 'var(--sd-alert-mark, #fff)' })),
    ])
}

export const SuccessIcon = disc(['M8 12.3l2.7 2.7L16.2 9.5'])
export const WarningIcon = disc(['M12 6.8v6.4'], [[12, 16.6]])
export const ErrorIcon = disc(['M8.5 8.5l7 7', 'M15.5 8.5l-7 7'])
export const AlertInfoIcon = disc(['M12 10.8v6.4'], [[12, 7.4]])
export const ChevronDownIcon = icon('M6 9l6 6 6-6')
