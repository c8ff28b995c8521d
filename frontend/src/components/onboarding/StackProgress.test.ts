import { flushPromises, mount } from '@vue/test-utils'
import { NDrawer } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StackView } from '@/api/types'
import { useOnboardingStore } from '@/stores/onboarding'
import { backend, emit, OUTPUTS, record, resetSeam, stackEvent, stackView } from '@/test/seam'
import LaunchDrawer from './LaunchDrawer.vue'
import StackProgress from './StackProgress.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

async function details(view: StackView) {
  const pinia = createPinia()
  setActivePinia(pinia)
  backend.onboardingState.mockResolvedValue(view)
  const store = useOnboardingStore()
  await store.init()
  store.openDetails()
  wrapper = mount(StackProgress, { attachTo: document.body, global: { plugins: [pinia] } })
  await flushPromises()
  return { w: wrapper, store }
}

const q = (sel: string) => wrapper!.find(sel)

beforeEach(() => resetSeam())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('stack progress', () => {
  it('while launching: phase, n of m resources, and the events newest first', async () => {
    await details(stackView(record('launching')))
    expect(q('[data-testid="stack-phase"]').text()).toBe('Launching')
    expect(q('[data-testid="stack-name"]').text()).toBe('SellerDesk-Onboarding')
    expect(q('[data-testid="stack-status"]').text()).toBe('Create in progress')
    expect(q('[data-testid="progress-text"]').text()).toBe('Creating: 7 of 24 resources')
    expect(q('[data-testid="stack-progress"]').exists()).toBe(true)
    const rows = wrapper!.findAll('[data-testid="event-timeline"] [data-testid="event-row"]')
    expect(rows.map((r) => r.find('.event-id').text())).toEqual(['PartnerQueue', 'PartnerRole', 'Stack SellerDesk-Onboarding'])
    expect(rows[2]!.text()).toContain('User Initiated')
  })

  it('follows events as they arrive', async () => {
    await details(stackView(record('launching')))
    emit('onboarding:changed', stackView(record('launching', { done: 8, updatedAt: '2026-01-01T10:00:09Z',
      events: [...record('launching').events, stackEvent(4, { logicalId: 'CasBucket', type: 'AWS::S3::Bucket' })] })))
    await flushPromises()
    expect(q('[data-testid="progress-text"]').text()).toBe('Creating: 8 of 24 resources')
    expect(wrapper!.findAll('[data-testid="event-row"]')[0]!.find('.event-id').text()).toBe('CasBucket')
  })

  it('Connected: the verification checks and the outputs with copy buttons', async () => {
    await details(stackView(record('connected', {
      checks: [
        { name: 'iam:GetRole', ok: true, detail: 'The role exists.' },
        { name: 'iam:GetRolePolicy', ok: false, detail: 'MarketplaceAccess is missing.' },
      ],
    })))
    expect(q('[data-testid="stack-phase"]').text()).toBe('Connected')
    const checks = wrapper!.findAll('[data-testid="verify-check"]')
    expect(checks.map((c) => c.text())).toEqual([
      '✓Passed:iam:GetRole — The role exists.',
      '✗Failed:iam:GetRolePolicy — MarketplaceAccess is missing.',
    ])
    expect(checks[1]!.attributes('data-ok')).toBe('false')
    const rows = wrapper!.findAll('[data-testid="output-row"]')
    expect(rows.map((r) => r.attributes('data-output'))).toEqual([
      'PartnerRoleArn', 'QueueArn', 'QueueUrl', 'CasBucketName', 'CasTopicArn', 'SddsBucketArn', 'SddsKeyArn', 'SddsTopicArn', 'TemplateVersion',
    ])
    expect(rows[0]!.find('[data-testid="output-value"]').text()).toBe(OUTPUTS.PartnerRoleArn)
    expect(rows.every((r) => r.find('[data-testid="copy-button"]').exists())).toBe(true)
    expect(q('[data-testid="update-stack"]').exists()).toBe(false)
    await q('[data-testid="recheck-stack"]').trigger('click')
    await flushPromises()
    expect(backend.recheckStack).toHaveBeenCalledTimes(1)
  })

  it('shows the parameters the stack was launched with, the external ID with a copy button', async () => {
    await details(stackView(record('connected')))
    expect(q('[data-testid="stack-partner-account"]').text()).toBe('210987654321')
    expect(q('[data-testid="stack-external-id"]').text()).toBe('partner-ext-1')
    expect(q('[data-testid="stack-params"] [data-testid="copy-button"]').exists()).toBe(true)
  })

  it('Connected with a newer template offers the update', async () => {
    const { store } = await details(stackView(record('connected'), { needsUpdate: true }))
    await q('[data-testid="update-stack"]').trigger('click')
    await flushPromises()
    expect(store.preview).not.toBeNull()
  })

  it('Error: the first failure in plain words, the rollback, Retry and Delete; failures red in the timeline', async () => {
    const { store } = await details(stackView(record('error')))
    expect(q('[data-testid="stack-phase"]').text()).toBe('Error')
    expect(q('[data-testid="failure-resource"]').text()).toBe('CasBucket')
    expect(q('[data-testid="failure-plain"]').text()).toMatch(/^The CAS bucket name is taken/)
    expect(q('[data-testid="stack-error"]').text()).toContain('AWS said: sellerdesk-cas already exists')
    expect(q('[data-testid="rolled-back"]').text()).toMatch(/^The stack was rolled back/)

    const failed = wrapper!.findAll('[data-testid="event-row"][data-failed="true"]')
    expect(failed).toHaveLength(1)
    expect(failed[0]!.classes()).toContain('event-failed')
    expect(failed[0]!.find('[data-testid="event-reason"]').text()).toBe('sellerdesk-cas already exists')

    await q('[data-testid="retry-stack"]').trigger('click')
    await flushPromises()
    expect(backend.retryForm).toHaveBeenCalledTimes(1)
    expect(store.panel).toBe('launch')
    store.openDetails()
    await flushPromises()
    await q('[data-testid="delete-stack"]').trigger('click')
    expect(store.confirmingDelete).toBe(true)
  })

  it("keeps the failed attempt's failure and events readable after a Retry", async () => {
    const failed = record('error', { status: 'ROLLBACK_COMPLETE' })
    await details(stackView(record('connected', { previous: failed })))
    const prev = q('[data-testid="previous-attempt"]')
    expect(prev.text()).toContain('CasBucket')
    expect(prev.findAll('[data-testid="event-row"]').length).toBe(failed.events.length)
  })

  it('Error without a failing event (the role check failed): the status reason', async () => {
    await details(stackView(record('error', { failure: null, rolledBack: false, statusReason: 'iam:GetRole: AccessDenied' })))
    expect(q('[data-testid="failure-plain"]').text()).toBe('iam:GetRole: AccessDenied')
    expect(q('[data-testid="rolled-back"]').exists()).toBe(false)
  })

  it('shows a failed action as the Go side wrote it', async () => {
    backend.retryForm.mockRejectedValue('AccessDenied: not authorized to perform cloudformation:DeleteStack')
    await details(stackView(record('error')))
    await q('[data-testid="retry-stack"]').trigger('click')
    await flushPromises()
    expect(q('[data-testid="action-error"]').text()).toContain('AccessDenied: not authorized to perform cloudformation:DeleteStack')
  })
})

describe('launch drawer', () => {
  async function drawer(view: StackView) {
    const pinia = createPinia()
    setActivePinia(pinia)
    backend.onboardingState.mockResolvedValue(view)
    const store = useOnboardingStore()
    await store.init()
    wrapper = mount(LaunchDrawer, { attachTo: document.body, global: { plugins: [pinia] } })
    await flushPromises()
    return store
  }

  it('opens on the launch form or the details, and closes with Escape only when nothing is running', async () => {
    const store = await drawer(stackView(null))
    expect(wrapper!.findComponent(NDrawer).props('show')).toBe(false)
    store.openLaunch()
    await flushPromises()
    expect(wrapper!.findComponent(NDrawer).props('show')).toBe(true)
    expect(wrapper!.findComponent(NDrawer).props('closeOnEsc')).toBe(true)
    expect(document.body.querySelector('[data-testid="launch-panel"]')).not.toBeNull()

    emit('onboarding:changed', stackView(record('launching', { updatedAt: '2026-01-01T11:00:00Z' })))
    store.openDetails()
    await flushPromises()
    expect(document.body.querySelector('[data-testid="stack-details"]')).not.toBeNull()
    expect(wrapper!.findComponent(NDrawer).props('closeOnEsc')).toBe(false)
    expect(wrapper!.findComponent(NDrawer).props('maskClosable')).toBe(false)

    emit('onboarding:changed', stackView(record('connected', { updatedAt: '2026-01-01T11:05:00Z' })))
    await flushPromises()
    expect(wrapper!.findComponent(NDrawer).props('closeOnEsc')).toBe(true)
    ;(document.body.querySelector('[data-testid="launch-close"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(store.panel).toBe('closed')
  })
})
