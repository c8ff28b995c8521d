import { DOMWrapper, flushPromises, mount } from '@vue/test-utils'
import { NModal } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { backend, emit, resetSeam } from '@/test/seam'
import { useSessionStore } from '@/stores/session'
import MfaDialog from './MfaDialog.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

const p1 = { requestId: 'mfa-1', profile: 'admin', serial: 'arn:aws:iam::123456789012:mfa/alice' }
const p2 = { requestId: 'mfa-2', profile: 'audit', serial: 'arn:aws:iam::123456789012:mfa/bob' }

let wrapper: ReturnType<typeof mount> | null = null

async function open() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useSessionStore().subscribe()
  wrapper = mount(MfaDialog, { attachTo: document.body, global: { plugins: [pinia] } })
  await flushPromises()
}

// The modal is teleported to <body>: look there, not in the wrapper.
function q(selector: string): DOMWrapper<HTMLElement> | null {
  const el = document.body.querySelector<HTMLElement>(selector)
  return el ? new DOMWrapper(el) : null
}
const dialog = () => q('[data-testid="mfa-dialog"]')
// Whether the modal is open (a closing one stays in the DOM while it fades out).
const isOpen = () => wrapper!.findComponent(NModal).props('show') as boolean
const input = () => q('#mfa-code')!
const problem = () => q('[data-testid="mfa-problem"]')!.text()

async function type(code: string) {
  await input().setValue(code)
  await flushPromises()
}

async function key(k: 'Enter' | 'Escape') {
  await input().trigger('keydown', { key: k })
  await flushPromises()
}

beforeEach(() => resetSeam())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('MFA dialog', () => {
  it('stays closed until Go asks for a code', async () => {
    await open()
    expect(dialog()).toBeNull()
    expect(isOpen()).toBe(false)
    emit('mfa:prompt', p1)
    await flushPromises()
    expect(isOpen()).toBe(true)
    expect(dialog()).not.toBeNull()
    expect(q('[data-testid="mfa-profile"]')!.text()).toBe('admin')
    expect(q('[data-testid="mfa-serial"]')!.text()).toBe(p1.serial)
  })

  it('validates inline: digits only, six of them', async () => {
    await open()
    emit('mfa:prompt', p1)
    await flushPromises()
    await type('12a')
    expect(problem()).toMatch(/Digits only/)
    expect(input().attributes('aria-invalid')).toBe('true')
    await type('123')
    expect(problem()).toBe('')
    await key('Enter')
    expect(problem()).toMatch(/all 6 digits/)
    expect(backend.submitMfaCode).not.toHaveBeenCalled()
  })

  it('submits with Enter', async () => {
    await open()
    emit('mfa:prompt', p1)
    await flushPromises()
    await type('654321')
    expect(problem()).toBe('')
    await key('Enter')
    expect(backend.submitMfaCode).toHaveBeenCalledTimes(1)
    expect(backend.submitMfaCode).toHaveBeenCalledWith('mfa-1', '654321')
    expect(isOpen()).toBe(false)
  })

  it('cancels with Escape', async () => {
    await open()
    emit('mfa:prompt', p1)
    await flushPromises()
    await key('Escape')
    expect(backend.cancelMfa).toHaveBeenCalledWith('mfa-1')
    expect(backend.submitMfaCode).not.toHaveBeenCalled()
    expect(isOpen()).toBe(false)
  })

  it('shows queued prompts one at a time, each starting empty', async () => {
    await open()
    emit('mfa:prompt', p1)
    emit('mfa:prompt', p2)
    await flushPromises()
    expect(document.body.querySelectorAll('[data-testid="mfa-dialog"]')).toHaveLength(1)
    expect(q('[data-testid="mfa-profile"]')!.text()).toBe('admin')
    expect(q('[data-testid="mfa-queued"]')!.text()).toMatch(/1 more request waits/)
    await type('111111')
    await key('Enter')
    expect(backend.submitMfaCode).toHaveBeenLastCalledWith('mfa-1', '111111')
    expect(q('[data-testid="mfa-profile"]')!.text()).toBe('audit')
    expect((input().element as HTMLInputElement).value).toBe('')
    expect(q('[data-testid="mfa-queued"]')).toBeNull()
    await key('Escape')
    expect(backend.cancelMfa).toHaveBeenCalledWith('mfa-2')
    expect(isOpen()).toBe(false)
  })

  it('shows why Go refused a code', async () => {
    backend.submitMfaCode.mockRejectedValue('the MFA code is the 6 digits your authenticator shows')
    await open()
    emit('mfa:prompt', p1)
    await flushPromises()
    await type('123456')
    await key('Enter')
    expect(isOpen()).toBe(true)
    expect(problem()).toMatch(/authenticator/)
  })

  it('enables Continue only for six digits', async () => {
    await open()
    emit('mfa:prompt', p1)
    await flushPromises()
    const submit = () => q('[data-testid="mfa-submit"]')!
    expect(submit().attributes('disabled')).toBeDefined()
    await type('12345')
    expect(submit().attributes('disabled')).toBeDefined()
    await type('123456')
    expect(submit().attributes('disabled')).toBeUndefined()
  })

  it('goes away when Go closes the prompt (the profile changed, or it timed out)', async () => {
    await open()
    emit('mfa:prompt', p1)
    emit('mfa:prompt', p2)
    await flushPromises()
    emit('mfa:closed', 'mfa-2')
    await flushPromises()
    expect(q('[data-testid="mfa-queued"]')).toBeNull()
    emit('mfa:closed', 'mfa-1')
    await flushPromises()
    expect(isOpen()).toBe(false)
    expect(backend.cancelMfa).not.toHaveBeenCalled()
  })

  it('stays closed after Cancel although Go closes the same prompt again', async () => {
    await open()
    emit('mfa:prompt', p1)
    await flushPromises()
    q('[data-testid="mfa-cancel"]')!.trigger('click')
    await flushPromises()
    emit('mfa:closed', 'mfa-1')
    await flushPromises()
    expect(backend.cancelMfa).toHaveBeenCalledTimes(1)
    expect(isOpen()).toBe(false)
  })
})
