import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ResaleView } from '@/api/catalogTypes'
import { backend, events, resetSeam } from '@/test/seam'
import ResalePanel from './ResalePanel.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

const ROLE = 'arn:aws:iam::123456789012:role/FullResaleAuthorizationAccess'
const POLICY = 'arn:aws:iam::123456789012:policy/FullResaleAuthorizationAccess'
const STEPS = Array.from({ length: 10 }, (_, i) => `Console step ${i + 1}.`)
const DOCS = {
  policy: '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Sid": "AllowResaleAuthorizationShareActionsRAMCreate" }]\n}',
  trust: '{\n  "Version": "2012-10-17",\n  "Statement": [{ "Principal": { "Service": "resale-authorization.marketplace.amazonaws.com" } }]\n}',
}

function created(): ResaleView {
  return { inPlace: false, message: 'Done: the role and its policy now match the guide.', report: { policyArn: POLICY, roleArn: ROLE, steps: [
    { name: 'Policy FullResaleAuthorizationAccess', action: 'created', detail: '' },
    { name: 'Role FullResaleAuthorizationAccess', action: 'created', detail: '' },
    { name: 'Policy attached to the role', action: 'attached', detail: '' },
  ] } }
}

function inPlace(): ResaleView {
  return { inPlace: true, message: 'Already in place: the role and its policy match the guide.', report: { policyArn: POLICY, roleArn: ROLE, steps: [
    { name: 'Policy FullResaleAuthorizationAccess', action: 'already in place', detail: '' },
    { name: 'Role FullResaleAuthorizationAccess trust', action: 'repaired', detail: 'trust now names resale-authorization.marketplace.amazonaws.com only' },
  ] } }
}

let wrapper: ReturnType<typeof mount> | null = null
const tid = (id: string) => wrapper!.find(`[data-testid="${id}"]`)

async function open() {
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = mount(ResalePanel, { attachTo: document.body, global: { plugins: [pinia] } })
  await flushPromises()
}

async function expand(id: string) {
  const details = wrapper!.find(`[data-testid="${id}"]`)
  await details.find('summary').trigger('click')
  ;(details.element as HTMLDetailsElement).open = true
  await flushPromises()
  return details
}

beforeEach(() => {
  resetSeam()
  backend.resaleSteps.mockResolvedValue(STEPS)
  backend.resalePolicy.mockResolvedValue(DOCS)
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('resale panel', () => {
  it('explains the role before anything runs', async () => {
    await open()
    const text = wrapper!.text()
    expect(text).toContain('FullResaleAuthorizationAccess')
    expect(text).toContain('resale-authorization.marketplace.amazonaws.com')
    expect(tid('resale-message').exists()).toBe(false)
    expect(backend.ensureResaleRole).not.toHaveBeenCalled()
  })

  it('creates the role, then says it is already in place on a second run', async () => {
    let done!: (v: ResaleView) => void
    backend.ensureResaleRole.mockReturnValueOnce(new Promise((r) => (done = r))).mockResolvedValueOnce(inPlace())
    await open()
    await tid('resale-create').trigger('click')
    await flushPromises()
    expect(tid('resale-running').exists()).toBe(true)
    expect(tid('resale-create').classes()).toContain('n-button--loading')
    done(created())
    await flushPromises()
    expect(tid('resale-running').exists()).toBe(false)
    expect(tid('resale-message').text()).toBe('Done: the role and its policy now match the guide.')
    const steps = wrapper!.findAll('[data-testid="resale-step"]')
    expect(steps.map((s) => s.text())).toEqual([
      'Policy FullResaleAuthorizationAccess created', 'Role FullResaleAuthorizationAccess created', 'Policy attached to the role attached'])
    expect(tid('resale-role-arn').text()).toBe(ROLE)
    expect(tid('resale-policy-arn').text()).toBe(POLICY)

    await tid('resale-create').trigger('click')
    await flushPromises()
    expect(tid('resale-message').text()).toMatch(/^Already in place/)
    const again = wrapper!.findAll('[data-testid="resale-step"]')
    expect(again[1]!.text()).toContain('repaired')
    expect(again[1]!.text()).toContain('trust now names resale-authorization.marketplace.amazonaws.com only')
  })

  it('shows a failure with the Go words and the next step', async () => {
    backend.ensureResaleRole.mockRejectedValue(new Error('putting the resale authorization role in place: AccessDenied: iam:CreatePolicy'))
    await open()
    await tid('resale-create').trigger('click')
    await flushPromises()
    expect(tid('resale-error').text()).toContain('putting the resale authorization role in place: AccessDenied: iam:CreatePolicy')
    expect(tid('resale-error').text()).toContain('press the button again')
    expect(tid('resale-message').exists()).toBe(false)
  })

  it('lists the ten console steps it replaces, in order', async () => {
    await open()
    expect(wrapper!.text()).toContain('The 10 console steps this replaces')
    const d = await expand('resale-console')
    expect(d.find('summary').text()).toBe('The 10 console steps this replaces')
    const items = tid('resale-console-steps').findAll('li')
    expect(items.map((i) => i.text())).toEqual(STEPS)
    expect(tid('resale-console-steps').element.tagName).toBe('OL')
  })

  it('shows the policy and trust documents, copyable', async () => {
    await open()
    const d = await expand('resale-policy')
    expect(d.find('summary').text()).toBe('View policy')
    expect(tid('resale-policy-json').text()).toBe(DOCS.policy)
    expect(tid('resale-trust-json').text()).toBe(DOCS.trust)
    const copies = tid('resale-more').findAll('[data-testid="copy-button"]')
    expect(copies.map((c) => c.attributes('aria-label'))).toEqual(['Copy the permission policy', 'Copy the trust policy'])
    await copies[1]!.trigger('click')
    expect(events.copyText).toHaveBeenCalledWith(DOCS.trust)
  })
})
