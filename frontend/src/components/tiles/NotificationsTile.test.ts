import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CheckResult, TilesView } from '@/api/types'
import { useTilesStore } from '@/stores/tiles'
import { backend, freshTiles, resetSeam, tile, tilesView } from '@/test/seam'
import NotificationsTile from './NotificationsTile.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

const RULE = 'arn:aws:events:us-east-1:111122223333:rule/SellerDesk-Onboarding-MarketplaceEventsRule-ABC'

function check(name: string, status: string, detail: string, fix = ''): CheckResult {
  return { name, status, detail, fix, code: '' }
}

const passing: CheckResult[] = [
  check('Marketplace event rule exists and is enabled', 'passed', `rule ${RULE} is ENABLED`),
  check("Rule's pattern covers the Marketplace sources", 'passed', 'the pattern lets through aws.marketplacecatalog, aws.agreement-marketplace, aws.marketplace'),
  check("Rule's target is the notification queue, with a dead-letter queue", 'passed', 'target PartnerQueue delivers to the queue'),
  check("Queue policy admits the rule, and only the stack's rules", 'passed', `events.amazonaws.com may send to the queue only from ${RULE}`),
  check('Dead-letter queue is empty', 'passed', 'no failed delivery: the dead-letter queue is empty'),
  check('Notification queue depth', 'passed', '1 message(s) waiting, 0 being read. The oldest message\'s age is not an SQS attribute (it is the CloudWatch metric ApproximateAgeOfOldestMessage), so it is not shown'),
]

function notifications(state: string, checks: CheckResult[], summary: string) {
  return tile('notifications', state, {
    summary, checks,
    fields: [{ label: 'Event rule ARN', value: RULE, copy: true }],
    notes: [{ text: 'AWS Marketplace sends its events through Amazon EventBridge, only in us-east-1.', link: 'https://docs.aws.amazon.com/marketplace/latest/userguide/notifications-eventbridge.html' }],
  })
}

function view(n: ReturnType<typeof tile>, over: Partial<TilesView> = {}) {
  return tilesView([...freshTiles(), n], over)
}

let wrapper: ReturnType<typeof mount> | null = null

async function mountTile(v: TilesView) {
  const pinia = createPinia()
  setActivePinia(pinia)
  backend.tilesState.mockResolvedValue(v)
  backend.refreshTiles.mockResolvedValue(v)
  const store = useTilesStore()
  await store.init()
  await flushPromises()
  wrapper = mount(NotificationsTile, { props: { title: 'Notifications', tells: 'Marketplace events.' }, attrs: { 'data-testid': 'tile-notifications' },
    attachTo: document.body, global: { plugins: [pinia] } })
  await flushPromises()
  return { w: wrapper, store }
}

const q = (sel: string) => wrapper!.find(sel)
const all = (sel: string) => wrapper!.findAll(sel)

beforeEach(() => resetSeam())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('notifications tile', () => {
  it('shows Connected with every check on its own line and the rule ARN to copy', async () => {
    await mountTile(view(notifications('connected', passing, 'Connected: all 6 checks passed; Marketplace events reach the queue.')))
    expect(q('[data-testid="tile-status"]').text()).toBe('Connected')
    expect(q('[data-testid="tile-summary"]').text()).toContain('all 6 checks passed')
    const rows = all('[data-testid="check-row"]')
    expect(rows).toHaveLength(6)
    expect(rows.every((r) => r.attributes('data-status') === 'passed')).toBe(true)
    expect(rows[5]!.text()).toContain('CloudWatch metric ApproximateAgeOfOldestMessage')
    expect(q('[data-testid="field-row"]').text()).toContain(RULE)
    expect(q('[data-testid="field-row"] [data-testid="copy-button"]').exists()).toBe(true)
    expect(q('[data-testid="note-text"]').text()).toContain('us-east-1')
  })

  it('shows Error naming the failed check and its fix (failed deliveries in the dead-letter queue)', async () => {
    const failing = [...passing]
    failing[4] = check('Dead-letter queue is empty', 'failed', '3 event(s) could not be delivered to the queue and wait in the dead-letter queue',
      'Read them (aws sqs receive-message …): ERROR_CODE and ERROR_MESSAGE say why.')
    await mountTile(view(notifications('error', failing, 'Error: Dead-letter queue is empty — 3 event(s) could not be delivered.')))
    expect(q('[data-testid="tile-status"]').text()).toBe('Error')
    const bad = all('[data-testid="check-row"][data-status="failed"]')
    expect(bad).toHaveLength(1)
    expect(bad[0]!.text()).toContain('3 event(s) could not be delivered')
    expect(bad[0]!.find('[data-testid="check-fix"]').text()).toContain('ERROR_CODE')
  })

  it('shows a check the endpoint could not run as such, and the tile as Unknown, never Connected', async () => {
    const unknown = [...passing]
    unknown[0] = check('Marketplace event rule exists and is enabled', 'could-not-check', 'events:DescribeRule: this endpoint does not implement the call, so it could not be checked')
    await mountTile(view(notifications('unknown', unknown, 'Not verified: 1 check(s) could not be run by this endpoint.')))
    expect(q('[data-testid="tile-status"]').text()).toBe('Unknown')
    expect(q('[data-testid="check-row"]').attributes('data-status')).toBe('could-not-check')
  })

  it('runs Test Configuration through the Tiles service and shows its answer', async () => {
    const { store } = await mountTile(view(notifications('not-connected', [], 'Run Test Configuration to check that Marketplace events reach the queue.')))
    backend.testNotifications.mockResolvedValue(view(notifications('connected', passing, 'Connected: all 6 checks passed.')))
    await q('[data-testid="notifications-test"]').trigger('click')
    await flushPromises()
    expect(backend.testNotifications).toHaveBeenCalledTimes(1)
    expect(store.notifications?.state).toBe('connected')
    expect(q('[data-testid="tile-status"]').text()).toBe('Connected')
  })

  it('shows the Go error of a failed Test Configuration on the tile', async () => {
    await mountTile(view(notifications('not-connected', [], '')))
    backend.testNotifications.mockRejectedValue(new Error('the sandbox is not running: start it again'))
    await q('[data-testid="notifications-test"]').trigger('click')
    await flushPromises()
    expect(q('[data-testid="tile-action-error"]').text()).toContain('the sandbox is not running')
  })

  it('offers no Test Configuration before the stack is connected', async () => {
    await mountTile(tilesView([tile('seller', 'completed'), tile('role', 'not-connected'), tile('notifications', 'not-connected', { summary: 'Not connected: launch the onboarding stack first.' })]))
    expect(q('[data-testid="notifications-test"]').attributes('disabled')).toBeDefined()
  })
})
