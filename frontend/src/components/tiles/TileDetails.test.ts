import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import type { CheckResult } from '@/api/backend'
import TileDetails from './TileDetails.vue'

const check = (name: string, status: string): CheckResult => ({ name, status, detail: `${name} seen`, fix: `fix ${name}`, code: '' }) as CheckResult

describe('TileDetails', () => {
  it('folds passed checks, values and notes behind a closed disclosure that says what is inside', () => {
    const w = mount(TileDetails, {
      props: { checks: [check('bucket', 'passed'), check('topic', 'passed')], fields: [{ label: 'Detected from', value: 'x', copy: false }], notes: [{ text: 'a note', link: '' }] },
    })
    const d = w.find('details')
    expect(d.exists()).toBe(true)
    expect((d.element as HTMLDetailsElement).open).toBe(false)
    expect(w.find('[data-testid="tile-details-summary"]').text()).toBe('Details2 checks passed · 2 more')
    // Folded, not gone: the lines are in the page for when it is opened.
    expect(w.findAll('[data-testid="check-row"]')).toHaveLength(2)
  })

  it('opens by itself when a check did not pass, and counts what passed', () => {
    const w = mount(TileDetails, { props: { checks: [check('bucket', 'passed'), check('topic', 'failed'), check('key', 'unknown')] } })
    expect((w.find('details').element as HTMLDetailsElement).open).toBe(true)
    expect(w.find('[data-testid="tile-details-summary"]').text()).toContain('1 of 3 checks passed')
  })

  it('renders nothing when there is nothing to fold', () => {
    const w = mount(TileDetails, { props: { checks: [], notes: [] } })
    expect(w.find('details').exists()).toBe(false)
  })
})
