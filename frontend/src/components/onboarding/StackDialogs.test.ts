import { DOMWrapper, flushPromises, mount } from '@vue/test-utils'
import { NModal } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StackView } from '@/api/types'
import { useOnboardingStore } from '@/stores/onboarding'
import { backend, changePreview, record, resetSeam, stackView } from '@/test/seam'
import DeleteStackDialog from './DeleteStackDialog.vue'
import UpdatePreviewDialog from './UpdatePreviewDialog.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

async function setup(component: typeof DeleteStackDialog | typeof UpdatePreviewDialog, view: StackView) {
  const pinia = createPinia()
  setActivePinia(pinia)
  backend.onboardingState.mockResolvedValue(view)
  const store = useOnboardingStore()
  await store.init()
  wrapper = mount(component, { attachTo: document.body, global: { plugins: [pinia] } })
  await flushPromises()
  return store
}

// Modals are teleported to <body>.
function q(selector: string): DOMWrapper<HTMLElement> | null {
  const el = document.body.querySelector<HTMLElement>(selector)
  return el ? new DOMWrapper(el) : null
}
const isOpen = () => wrapper!.findComponent(NModal).props('show') as boolean

beforeEach(() => resetSeam())
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
})

describe('delete confirmation', () => {
  it('names the stack, says the buckets are retained, and deletes only on confirm', async () => {
    const store = await setup(DeleteStackDialog, stackView(record('connected')))
    expect(isOpen()).toBe(false)
    store.askDelete()
    await flushPromises()
    expect(isOpen()).toBe(true)
    const dialog = q('[data-testid="confirm-delete"]')!
    expect(dialog.attributes('role')).toBe('alertdialog')
    expect(q('[data-testid="confirm-delete-stack"]')!.text()).toBe('SellerDesk-Onboarding')
    const retained = q('[data-testid="confirm-delete-retained"]')!.text()
    expect(retained).toMatch(/The CAS and SDDS buckets .* are retained/)
    expect(retained).toContain('sellerdesk-onboarding-casbucket-1a2b3c, sellerdesk-onboarding-sddsbucket-4d5e6f')

    await q('[data-testid="confirm-delete-cancel"]')!.trigger('click')
    await flushPromises()
    expect(isOpen()).toBe(false)
    expect(backend.deleteStack).not.toHaveBeenCalled()

    store.askDelete()
    await flushPromises()
    await q('[data-testid="confirm-delete-button"]')!.trigger('click')
    await flushPromises()
    expect(backend.deleteStack).toHaveBeenCalledTimes(1)
    expect(isOpen()).toBe(false)
    expect(store.phase).toBe('deleting')
  })

  it('keeps a failed delete in the dialog', async () => {
    backend.deleteStack.mockRejectedValue('AccessDenied: not authorized to perform cloudformation:DeleteStack')
    const store = await setup(DeleteStackDialog, stackView(record('error')))
    store.askDelete()
    await flushPromises()
    await q('[data-testid="confirm-delete-button"]')!.trigger('click')
    await flushPromises()
    expect(store.actionError?.message).toBe('AccessDenied: not authorized to perform cloudformation:DeleteStack')
    store.askDelete()
    await flushPromises()
    expect(q('[data-testid="delete-error"]')!.text()).toContain('not authorized to perform cloudformation:DeleteStack')
  })
})

describe('update preview', () => {
  it('lists the changes and runs the change set on "Run update"', async () => {
    const store = await setup(UpdatePreviewDialog, stackView(record('connected', { templateVersion: '2026-10-01.1' }), { needsUpdate: true }))
    expect(isOpen()).toBe(false)
    await store.previewUpdate()
    await flushPromises()
    expect(isOpen()).toBe(true)
    expect(q('[data-testid="update-preview"]')!.text()).toContain('from template 2026-10-01.1 to 2026-11-22.1')
    const rows = [...document.body.querySelectorAll('[data-testid="change-row"]')].map((r) =>
      [...r.querySelectorAll('td')].map((td) => td.textContent!.trim()))
    expect(rows).toEqual([
      ['Modify', 'MarketplaceAccessPolicy', 'AWS::IAM::Policy', 'In place'],
      ['Add', 'SddsKeyAlias', 'AWS::KMS::Alias', '—'],
      ['Modify', 'PartnerQueue', 'AWS::SQS::Queue', 'Replaced'],
    ])
    expect(backend.executeUpdate).not.toHaveBeenCalled()

    await q('[data-testid="run-update"]')!.trigger('click')
    await flushPromises()
    expect(backend.executeUpdate).toHaveBeenCalledWith(changePreview().changeSetId)
    expect(isOpen()).toBe(false)
    expect(store.phaseLabel).toBe('Updating')
  })

  it('says when the change set has nothing to change, and can be cancelled', async () => {
    backend.previewUpdate.mockResolvedValue(changePreview({ changes: [] }))
    const store = await setup(UpdatePreviewDialog, stackView(record('connected'), { needsUpdate: true }))
    await store.previewUpdate()
    await flushPromises()
    expect(q('[data-testid="update-no-changes"]')).not.toBeNull()
    const cancel = [...document.body.querySelectorAll<HTMLButtonElement>('[data-testid="update-preview"] button')].find((b) => b.textContent?.trim() === 'Cancel')!
    cancel.click()
    await flushPromises()
    expect(isOpen()).toBe(false)
    expect(backend.executeUpdate).not.toHaveBeenCalled()
  })

  it('shows a failed update in the dialog', async () => {
    backend.executeUpdate.mockRejectedValue('ValidationError: ChangeSet is in a non-executable state')
    const store = await setup(UpdatePreviewDialog, stackView(record('connected'), { needsUpdate: true }))
    await store.previewUpdate()
    await flushPromises()
    await q('[data-testid="run-update"]')!.trigger('click')
    await flushPromises()
    expect(isOpen()).toBe(true)
    expect(q('[data-testid="update-error"]')!.text()).toBe('ValidationError: ChangeSet is in a non-executable state')
  })
})
