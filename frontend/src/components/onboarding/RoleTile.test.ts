import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StackView } from '@/api/types'
import { useOnboardingStore } from '@/stores/onboarding'
import { backend, driftReport, driftView, emit, events, record, resetSeam, stackView } from '@/test/seam'
import RoleTile from './RoleTile.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

async function tile(view: StackView | null) {
  const pinia = createPinia()
  setActivePinia(pinia)
  if (view) backend.onboardingState.mockResolvedValue(view)
  const store = useOnboardingStore()
  await store.init()
  wrapper = mount(RoleTile, {
    props: { title: 'Role and access', tells: 'Whether the onboarding CloudFormation stack is in place.' },
    attrs: { 'data-testid': 'tile-role' },
    attachTo: document.body,
    global: { plugins: [pinia] },
  })
  await flushPromises()
  return { w: wrapper, store }
}

const q = (sel: string) => wrapper!.find(sel)
const status = () => q('[data-testid="tile-status"]').text()
const buttons = () => wrapper!.findAll('button').map((b) => b.text()).filter(Boolean)

beforeEach(() => resetSeam())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('Role and access tile', () => {
  it('Not connected: offers the setup, with no time line', async () => {
    const { store } = await tile(null)
    expect(q('[data-testid="tile-role"]').exists()).toBe(true)
    expect(status()).toBe('Not connected')
    expect(q('[data-testid="launch-open"]').text()).toBe('Set up role and access…')
    expect(buttons()).toEqual(['Set up role and access…'])
    expect(q('[data-testid="tile-checked"]').exists()).toBe(false)
    await q('[data-testid="launch-open"]').trigger('click')
    expect(store.panel).toBe('launch')
  })

  it('Not connected after a delete: says so, offers the setup again and the details', async () => {
    await tile(stackView(record('not-connected', { statusReason: 'The stack SellerDesk-Onboarding no longer exists.' })))
    expect(status()).toBe('Not connected')
    expect(q('[data-testid="role-not-connected"]').text()).toContain('no longer exists')
    expect(buttons()).toEqual(['Set up role and access…', 'Details'])
  })

  it('Launching: n of m resources, a progress bar and the latest event', async () => {
    const { store } = await tile(stackView(record('launching')))
    expect(status()).toBe('Launching')
    expect(q('[data-testid="role-progress-text"]').text()).toBe('Creating the stack: 7 of 24 resources')
    expect(q('[data-testid="launch-progress"]').attributes('aria-valuetext')).toBe('7 of 24 resources')
    expect(q('[data-testid="role-latest-event"]').text()).toBe('PartnerQueue — Create complete')
    expect(buttons()).toEqual(['Details'])
    expect(q('[data-testid="tile-checked"]').text()).toMatch(/^Last updated /)

    emit('onboarding:changed', stackView(record('launching', { done: 12, updatedAt: '2026-01-01T10:01:00Z',
      events: [{ id: 'e9', time: '2026-01-01T10:01:00Z', logicalId: 'CasBucket', physicalId: '', type: 'AWS::S3::Bucket', status: 'CREATE_FAILED', reason: 'Bucket name taken' }] })))
    await flushPromises()
    expect(q('[data-testid="role-progress-text"]').text()).toBe('Creating the stack: 12 of 24 resources')
    expect(q('[data-testid="role-latest-event"]').text()).toBe('CasBucket — Create failed: Bucket name taken')
    expect(q('[data-testid="role-latest-event"]').classes()).toContain('tone-error')

    await q('[data-testid="details-open"]').trigger('click')
    expect(store.panel).toBe('details')
  })

  it('Deleting: progress too', async () => {
    await tile(stackView(record('deleting')))
    expect(status()).toBe('Deleting')
    expect(q('[data-testid="role-progress-text"]').text()).toBe('Deleting the stack: 3 of 24 resources')
    expect(q('[data-testid="launch-progress"]').exists()).toBe(true)
  })

  it('Verifying: says the role is being checked', async () => {
    await tile(stackView(record('verifying')))
    expect(status()).toBe('Verifying')
    expect(q('[data-testid="role-verifying"]').text()).toMatch(/Checking the partner role/)
    expect(buttons()).toEqual(['Details'])
  })

  it('Connected: green, the role ARN with a copy button, no update offered when current', async () => {
    await tile(stackView(record('connected')))
    expect(status()).toBe('Connected')
    expect(q('[data-testid="tile-status"]').attributes('data-type')).toBe('success')
    expect(q('section.tile').classes()).toContain('tile-success')
    expect(q('[data-testid="role-arn"]').text()).toBe('arn:aws:iam::123456789012:role/SellerDeskPartnerRole')
    await q('[data-testid="role-connected"] [data-testid="copy-button"]').trigger('click')
    expect(events.copyText).toHaveBeenCalledWith('arn:aws:iam::123456789012:role/SellerDeskPartnerRole')
    expect(q('[data-testid="role-update-available"]').exists()).toBe(false)
    expect(q('[data-testid="role-drift-line"]').text()).toBe('Drift: not checked yet.')
    expect(buttons()).toEqual(['Check drift', 'Details'])
  })

  it('Connected with a newer template: "Update available" and an Update button that previews', async () => {
    const { store } = await tile(stackView(record('connected', { templateVersion: '2026-10-01.1' }), { needsUpdate: true }))
    expect(q('[data-testid="role-update-available"]').text()).toMatch(/Update available: template 2026-11-22.1 \(the stack has 2026-10-01.1\)/)
    await q('[data-testid="tile-update"]').trigger('click')
    await flushPromises()
    expect(backend.previewUpdate).toHaveBeenCalledTimes(1)
    expect(store.preview?.changes).toHaveLength(3)
  })

  it('Error: red, the failing resource and its plain words, rolled back, Retry and Delete', async () => {
    const { store } = await tile(stackView(record('error')))
    expect(status()).toBe('Error')
    expect(q('[data-testid="tile-status"]').attributes('data-type')).toBe('error')
    expect(q('section.tile').classes()).toContain('tile-error')
    expect(q('[data-testid="role-failure-resource"]').text()).toBe('CasBucket')
    expect(q('[data-testid="role-failure-plain"]').text()).toMatch(/^The CAS bucket name is taken/)
    expect(q('[data-testid="role-rolled-back"]').text()).toBe('The stack was rolled back.')
    expect(buttons()).toEqual(['Retry', 'Delete…', 'Check drift', 'Details'])

    // Retry opens the launch form with the failed attempt's values; nothing is deleted yet.
    await q('[data-testid="tile-retry"]').trigger('click')
    await flushPromises()
    expect(backend.retryForm).toHaveBeenCalledTimes(1)
    expect(backend.retryStack).not.toHaveBeenCalled()
    expect(store.panel).toBe('launch')
    expect(store.form.partnerAccountId).toBe('210987654321')
    expect(store.retrying?.field).toBe('casBucketName')
    store.closePanel()

    await q('[data-testid="tile-delete"]').trigger('click')
    expect(store.confirmingDelete).toBe(true)
    expect(backend.deleteStack).not.toHaveBeenCalled()
  })

  it('shows a failed action and a lost watch', async () => {
    backend.retryForm.mockRejectedValue('only a stack in Error can be retried')
    await tile(stackView(record('error'), { error: { kind: 'other', message: 'ExpiredToken: the security token expired', next: 'Refresh the credentials.' } }))
    expect(q('[data-testid="role-watch-error"]').text()).toContain('ExpiredToken')
    await q('[data-testid="tile-retry"]').trigger('click')
    await flushPromises()
    expect(q('[data-testid="role-action-error"]').text()).toContain('only a stack in Error can be retried')
  })

  it('Drift in sync: says so, offers Check drift and no Update', async () => {
    await tile(stackView(record('connected', { drift: driftReport(false) })))
    expect(q('[data-testid="role-drift-line"]').text()).toBe('In sync: every resource is as the template defines it.')
    expect(q('[data-testid="role-drift-line"]').classes()).toContain('tone-success')
    expect(q('[data-testid="role-drift-differences"]').exists()).toBe(false)
    expect(buttons()).toEqual(['Check drift', 'Details'])
    await q('[data-testid="tile-drift-check"]').trigger('click')
    await flushPromises()
    expect(backend.checkDrift).toHaveBeenCalledTimes(1)
    expect(q('[data-testid="role-drift-line"]').text()).toBe('Checking drift with CloudFormation…')
    expect(q('[data-testid="tile-drift-check"]').attributes('disabled')).toBeDefined()
  })

  it('Drifted: the line, one readable difference per resource, and Update that writes the template back', async () => {
    const { store } = await tile(stackView(record('connected', { drift: driftReport(true) })))
    expect(q('[data-testid="role-drift-line"]').text()).toBe('Drifted: 1 resource differs from the template.')
    expect(q('[data-testid="role-drift-line"]').classes()).toContain('tone-warning')
    expect(wrapper!.findAll('[data-testid="role-drift-differences"] li').map((li) => li.text())).toEqual([
      "PartnerRole: the trust policy's principal changed from arn:aws:iam::210987654321:root to arn:aws:iam::444455556666:root",
    ])
    expect(q('[data-testid="role-drift-update-note"]').text()).toContain('No updates are to be performed')
    expect(buttons()).toEqual(['Update', 'Check drift', 'Details'])
    await q('[data-testid="tile-drift-update"]').trigger('click')
    await flushPromises()
    expect(backend.restoreDrift).toHaveBeenCalledTimes(1)
    expect(backend.previewUpdate).not.toHaveBeenCalled()
    expect(q('[data-testid="role-drift-line"]').text()).toBe("Writing the template's values back and checking drift again…")

    // The result arrives with the event: in sync again, and what was restored.
    emit('onboarding:changed', stackView(record('connected', { drift: driftReport(false), updatedAt: '2026-01-01T10:05:00Z' }),
      { drift: driftView({ restore: { restored: ['PartnerRole: the trust policy'], left: [] } }) }))
    await flushPromises()
    expect(store.drift?.status).toBe('IN_SYNC')
    expect(q('[data-testid="role-drift-line"]').text()).toBe('In sync: every resource is as the template defines it.')
    expect(q('[data-testid="role-drift-restore"]').text()).toBe('Restored: PartnerRole: the trust policy.')
    expect(buttons()).toEqual(['Check drift', 'Details'])
  })

  it('Drift detection that failed or ran out of time says so', async () => {
    await tile(stackView(record('connected'), { drift: driftView({ error: { kind: 'other', message: 'drift detection of stack SellerDesk-Onboarding did not finish within 5m0s', next: 'Check again in a minute.' } }) }))
    expect(q('[data-testid="role-drift-error"]').text()).toContain('did not finish within 5m0s')
  })

  it('shows no drift while the stack is being created', async () => {
    await tile(stackView(record('launching', { drift: driftReport(true) })))
    expect(q('[data-testid="role-drift"]').exists()).toBe(false)
    expect(buttons()).toEqual(['Details'])
  })

  it('says when the state cannot be read', async () => {
    backend.onboardingState.mockRejectedValue('bbolt: database not open')
    await tile(null)
    expect(status()).toBe('Unknown')
    expect(q('[data-testid="role-load-error"]').text()).toContain('bbolt: database not open')
  })
})
