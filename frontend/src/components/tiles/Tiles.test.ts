import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TilesView } from '@/api/types'
import { useTilesStore } from '@/stores/tiles'
import { backend, CAS_NOTE, CAS_SOURCE, events, freshTiles, resetSeam, SELLER_GUIDE, tile, tilesView } from '@/test/seam'
import SellerTile from './SellerTile.vue'
import ServiceTile from './ServiceTile.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

async function mountTile(view: TilesView, which: 'seller' | 'cas' | 'sdds') {
  const pinia = createPinia()
  setActivePinia(pinia)
  backend.tilesState.mockResolvedValue(view)
  backend.refreshTiles.mockResolvedValue(view)
  const store = useTilesStore()
  await store.init()
  await flushPromises()
  backend.refreshTiles.mockClear()
  const title = which === 'seller' ? 'Seller account' : which.toUpperCase()
  wrapper = which === 'seller'
    ? mount(SellerTile, { props: { title, tells: 'Seller registration.' }, attrs: { 'data-testid': 'tile-seller' }, attachTo: document.body, global: { plugins: [pinia] } })
    : mount(ServiceTile, { props: { id: which, title, tells: 'Enrollment.' }, attrs: { 'data-testid': `tile-${which}` }, attachTo: document.body, global: { plugins: [pinia] } })
  await flushPromises()
  return { w: wrapper, store }
}

const q = <E extends Element = Element>(sel: string) => wrapper!.find<E>(sel)
const all = (sel: string) => wrapper!.findAll(sel)

beforeEach(() => resetSeam())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('seller account tile', () => {
  it('shows Connected, detected by the Catalog probe, with the probe line and the guide link', async () => {
    await mountTile(tilesView(freshTiles()), 'seller')
    expect(q('[data-testid="tile-seller"]').exists()).toBe(true)
    expect(q('[data-testid="tile-status"]').text()).toBe('Connected')
    expect(q('[data-testid="seller-source"]').attributes('data-source')).toBe('detected')
    expect(q('[data-testid="seller-source"]').text()).toMatch(/^Detected/)
    const rows = all('[data-testid="check-row"]')
    expect(rows).toHaveLength(1)
    expect(rows[0]!.attributes('data-status')).toBe('passed')
    expect(rows[0]!.text()).toContain('✓')
    expect(rows[0]!.text()).toContain('Marketplace Catalog probe')
    expect(q('[data-testid="tile-checked"]').text()).toBe('Last checked just now')
    expect(q('[data-testid="tile-stale"]').exists()).toBe(false)

    expect(q('[data-testid="note-text"]').text()).toBe('AWS Marketplace seller registration guide')
    await q('[data-testid="note-link"]').trigger('click')
    expect(events.openURL).toHaveBeenCalledWith(SELLER_GUIDE)
  })

  it('shows Connected confirmed by the user', async () => {
    await mountTile(tilesView(freshTiles({ seller: { source: 'confirmed', fields: [{ label: 'Confirmed', value: '2026-01-01T10:00:00Z', copy: false }] } }), { sellerConfirmed: true }), 'seller')
    expect(q('[data-testid="seller-source"]').attributes('data-source')).toBe('confirmed')
    expect(q('[data-testid="seller-source"]').text()).toMatch(/^Confirmed by you/)
    expect(q<HTMLInputElement>('[data-testid="seller-confirm"] input[type="checkbox"]').element.checked).toBe(true)
    expect(q('[data-testid="field-row"]').text()).toContain('2026-01-01T10:00:00Z')
    expect(q('[data-testid="field-row"] [data-testid="copy-button"]').exists()).toBe(false)
  })

  it('shows Not registered with the failed probe, its code and the fix', async () => {
    await mountTile(tilesView([tile('seller', 'not-registered')]), 'seller')
    expect(q('[data-testid="tile-status"]').text()).toBe('Not registered')
    expect(q('[data-testid="seller-source"]').exists()).toBe(false)
    const row = q('[data-testid="check-row"]')
    expect(row.attributes('data-status')).toBe('failed')
    expect(row.find('[data-testid="check-mark"]').text()).toBe('✗')
    expect(row.find('[data-testid="check-code"]').text()).toBe('(AccessDeniedException)')
    expect(row.find('[data-testid="check-fix"]').text()).toBe('Fix: Register as a seller in the AWS Marketplace Management Portal.')
  })

  it('shows Unknown, and the confirmation checkbox calls ConfirmSeller', async () => {
    const { store } = await mountTile(tilesView([tile('seller', 'unknown')]), 'seller')
    expect(q('[data-testid="tile-status"]').text()).toBe('Unknown')
    expect(q('[data-testid="tile-summary"]').text()).toMatch(/^Unknown: this account owns no listed product/)
    expect(q('[data-testid="seller-confirm"]').text()).toBe('I completed seller registration')
    backend.confirmSeller.mockResolvedValue(tilesView([tile('seller', 'completed', { source: 'confirmed' })], { sellerConfirmed: true }))
    await q('[data-testid="seller-confirm"]').trigger('click')
    await flushPromises()
    expect(backend.confirmSeller).toHaveBeenCalledWith(true)
    expect(store.view?.sellerConfirmed).toBe(true)
    expect(q<HTMLInputElement>('[data-testid="seller-confirm"] input[type="checkbox"]').element.checked).toBe(true)
    expect(q('[data-testid="tile-status"]').text()).toBe('Connected')
    expect(q('[data-testid="seller-source"]').attributes('data-source')).toBe('confirmed')
  })

  it('marks a cached tile as last known while refreshing, then last known if that failed', async () => {
    const cached = freshTiles().map((t) => ({ ...t, stale: true, checkedAt: new Date(Date.now() - 3 * 3600_000).toISOString() }))
    const pinia = createPinia()
    setActivePinia(pinia)
    backend.tilesState.mockResolvedValue(tilesView(cached))
    let fail!: (e: unknown) => void
    backend.refreshTiles.mockReturnValue(new Promise((_, rej) => (fail = rej)))
    await useTilesStore().init()
    wrapper = mount(SellerTile, { props: { title: 'Seller account', tells: '' }, global: { plugins: [pinia] } })
    await flushPromises()
    expect(q('[data-testid="tile-checked"]').text()).toMatch(/^Last checked 3 hours ago$/)
    expect(q('[data-testid="tile-stale"]').text()).toContain('last known — refreshing…')
    fail(new Error('offline'))
    await flushPromises()
    expect(q('[data-testid="tile-stale"]').text()).toMatch(/last known$/)
  })

  it('says "Never checked" for Go\'s zero time', async () => {
    await mountTile(tilesView([tile('seller', 'unknown', { checkedAt: '0001-01-01T00:00:00Z', checks: [] })]), 'seller')
    expect(q('[data-testid="tile-checked"]').text()).toBe('Never checked')
  })
})

describe('CAS and SDDS tiles', () => {
  it('CAS: fields with copy buttons, the discontinuation note with its source', async () => {
    await mountTile(tilesView(freshTiles()), 'cas')
    expect(q('[data-testid="tile-status"]').text()).toBe('Legacy')
    const rows = all('[data-testid="field-row"]')
    expect(rows.map((r) => r.find('[data-testid="field-label"]').text())).toEqual(['S3 bucket name', 'SNS topic ARN'])
    expect(rows[0]!.find('[data-testid="field-value"]').text()).toBe('sellerdesk-onboarding-casbucket-1a2b3c')
    await rows[1]!.find('[data-testid="copy-button"]').trigger('click')
    expect(events.copyText).toHaveBeenCalledWith('arn:aws:sns:us-east-1:123456789012:SellerDesk-Onboarding-CasTopic')

    const note = all('[data-testid="tile-note"]').find((n) => n.text().includes('discontinued'))!
    expect(note.find('[data-testid="note-text"]').text()).toBe(CAS_NOTE)
    expect(note.find('[data-testid="note-link"]').attributes('href')).toBe(CAS_SOURCE)
    await note.find('[data-testid="note-link"]').trigger('click')
    expect(events.openURL).toHaveBeenCalledWith(CAS_SOURCE)
  })

  it('CAS is legacy: no Enrolled switch, and Test Configuration calls TestCAS', async () => {
    await mountTile(tilesView(freshTiles()), 'cas')
    expect(q('[data-testid="tile-cas"]').text()).not.toContain('Enrolled in CAS')
    expect(document.querySelector('[data-testid="cas-enrolled"]')).toBeNull()
    expect(q('[data-testid="tile-status"]').text()).toBe('Legacy')

    backend.testCas.mockResolvedValue(tilesView(freshTiles({
      cas: {
        state: 'error', summary: 'Error: Topic policy — publish not granted. Fix: Update the stack.',
        checks: [
          { name: 'Bucket exists and allows delivery', status: 'passed', detail: 'The bucket policy grants CAS PutObject.', fix: '', code: '' },
          { name: 'Topic policy', status: 'failed', detail: 'publish not granted', fix: 'Update the stack.', code: '' },
          { name: 'GenerateDataSet', status: 'could-not-check', detail: 'This endpoint does not implement it.', fix: '', code: 'NotImplemented' },
        ],
      },
    })))
    await q('[data-testid="cas-test"]').trigger('click')
    await flushPromises()
    expect(backend.testCas).toHaveBeenCalledTimes(1)
    expect(backend.testSdds).not.toHaveBeenCalled()
    expect(q('[data-testid="tile-status"]').text()).toBe('Error')
    const rows = all('[data-testid="check-row"]')
    expect(rows.map((r) => r.attributes('data-status'))).toEqual(['passed', 'failed', 'could-not-check'])
    expect(rows.map((r) => r.find('[data-testid="check-mark"]').text())).toEqual(['✓', '✗', 'could not check'])
    expect(rows[0]!.find('[data-testid="check-fix"]').exists()).toBe(false)
    expect(rows[1]!.find('[data-testid="check-detail"]').text()).toBe('publish not granted')
    expect(rows[1]!.find('[data-testid="check-fix"]').text()).toBe('Fix: Update the stack.')
    expect(rows[2]!.text()).toContain('This endpoint does not implement it.')
  })

  it('SDDS: its three ARNs, switch off calls SetEnrolled(false), Test Configuration calls TestSDDS', async () => {
    await mountTile(tilesView(freshTiles({ sdds: { state: 'connected' } }), { sddsEnrolled: true }), 'sdds')
    expect(q('[data-testid="tile-status"]').text()).toBe('Connected')
    expect(all('[data-testid="field-row"]').map((r) => r.find('[data-testid="field-label"]').text())).toEqual(['S3 bucket ARN', 'KMS key ARN', 'SNS topic ARN'])
    expect(all('[data-testid="field-row"] [data-testid="copy-button"]')).toHaveLength(3)
    expect(q('[data-testid="tile-sdds"]').text()).toContain('Enrolled in SDDS')
    backend.testSdds.mockResolvedValue(tilesView(freshTiles({ sdds: { state: 'connected' } }), { sddsEnrolled: true }))
    await q('[data-testid="sdds-test"]').trigger('click')
    await flushPromises()
    expect(backend.testSdds).toHaveBeenCalledTimes(1)
    expect(backend.testCas).not.toHaveBeenCalled()
    await q('[data-testid="sdds-enrolled"]').trigger('click')
    await flushPromises()
    expect(backend.setEnrolled).toHaveBeenCalledWith('sdds', false)
  })

  it('the Enrolled switch is a named switch that shows the answer, not the click, and ignores clicks while the call runs', async () => {
    await mountTile(tilesView(freshTiles()), 'sdds')
    const sw = q<HTMLInputElement>('[data-testid="sdds-enrolled"]')
    expect(sw.attributes('role')).toBe('switch')
    expect(document.getElementById(sw.attributes('aria-labelledby')!)?.textContent).toBe('Enrolled in SDDS')
    let answer!: (v: TilesView) => void
    backend.setEnrolled.mockReturnValue(new Promise((res) => (answer = res)))
    await sw.trigger('click')
    await flushPromises()
    expect(backend.setEnrolled).toHaveBeenCalledTimes(1)
    expect(sw.element.checked).toBe(false)
    expect(sw.attributes('aria-busy')).toBe('true')
    await sw.trigger('click')
    await flushPromises()
    expect(backend.setEnrolled).toHaveBeenCalledTimes(1)
    answer(tilesView(freshTiles({ sdds: { state: 'waiting' } }), { sddsEnrolled: true }))
    await flushPromises()
    expect(sw.element.checked).toBe(true)
    expect(sw.attributes('aria-busy')).toBeUndefined()
  })

  it('disables Test Configuration until the stack has created the resources', async () => {
    await mountTile(tilesView(freshTiles({ sdds: { state: 'not-connected', fields: [], summary: 'Not connected: launch the onboarding stack first.' } })), 'sdds')
    expect(q('[data-testid="tile-status"]').text()).toBe('Not connected')
    expect(q('[data-testid="sdds-test"]').attributes('disabled')).toBeDefined()
    expect(q('[data-testid="tile-summary"]').text()).toBe('Not connected: launch the onboarding stack first.')
  })

  it('shows a failed Test Configuration call on the tile', async () => {
    await mountTile(tilesView(freshTiles()), 'cas')
    backend.testCas.mockRejectedValue('no current target')
    await q('[data-testid="cas-test"]').trigger('click')
    await flushPromises()
    expect(q('[data-testid="tile-action-error"]').text()).toContain('no current target')
  })
})
