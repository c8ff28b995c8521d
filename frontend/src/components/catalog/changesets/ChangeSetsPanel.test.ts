import { DOMWrapper, flushPromises, mount } from '@vue/test-utils'
import { NSelect, NSteps } from 'naive-ui'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useCatalogStore } from '@/stores/catalog'
import { useChangeSetsStore } from '@/stores/changesets'
import { backend, changeSetView, emit, entitiesView, entity, resetSeam } from '@/test/seam'
import ChangeSetsPanel from './ChangeSetsPanel.vue'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

let wrapper: ReturnType<typeof mount> | null = null

async function settle() {
  await vi.advanceTimersByTimeAsync(300)
  await flushPromises()
}

async function open() {
  const pinia = createPinia()
  setActivePinia(pinia)
  wrapper = mount(ChangeSetsPanel, { attachTo: document.body, global: { plugins: [pinia] } })
  await settle()
  return { w: wrapper, store: useChangeSetsStore() }
}

const q = (sel: string) => wrapper!.find(sel)
const tid = (id: string) => q(`[data-testid="${id}"]`)
const field = (id: string) => q(`[data-testid="${id}"] input`) as DOMWrapper<HTMLInputElement>
const details = () => q('[data-testid="changeset-details"] textarea') as DOMWrapper<HTMLTextAreaElement>
const startButton = () => tid('changeset-start')
const steps = () => wrapper!.findComponent(NSteps)

async function pickTemplate(id: string) {
  wrapper!.findComponent<typeof NSelect>('[data-testid="changeset-template"]').vm.$emit('update:value', id)
  await settle()
}

async function startFrom(template: string) {
  await pickTemplate(template)
  await startButton().trigger('click')
  await settle()
}

beforeEach(() => {
  vi.useFakeTimers()
  resetSeam()
})
afterEach(() => {
  wrapper?.unmount()
  wrapper = null
  document.body.innerHTML = ''
  vi.useRealTimers()
})

describe('new change set', () => {
  it('prefills the form from the example picked', async () => {
    await open()
    await pickTemplate('create-experience')
    expect(field('changeset-change-type').element.value).toBe('CreateExperience')
    expect(field('changeset-entity-type').element.value).toBe('Experience@1.0')
    expect(details().element.value).toBe('{"Name": "ExamplePrivateMarketplace"}')
    expect(tid('changeset-entity-id').exists()).toBe(true) // no entity to pick: the change creates it
    const entityKeys = wrapper!.findAll('[data-testid="entity-tag-key"] input').map((i) => (i.element as HTMLInputElement).value)
    const setKeys = wrapper!.findAll('[data-testid="changeset-tag-key"] input').map((i) => (i.element as HTMLInputElement).value)
    const setValues = wrapper!.findAll('[data-testid="changeset-tag-value"] input').map((i) => (i.element as HTMLInputElement).value)
    expect(entityKeys).toEqual(['product-team'])
    expect(setKeys).toEqual(['product-team'])
    expect(setValues).toEqual(['team-xyz'])
    expect(tid('changeset-template-description').text()).toBe('CreateExperience')
    expect(startButton().attributes('disabled')).toBeUndefined()
    expect(tid('changeset-validation').text()).toBe('Ready to start 1 change.')
  })

  it('offers the seller\'s products to pick for an example that needs one', async () => {
    const list = [entity('AmiProduct', 1, { name: 'Web AMI' }), entity('Offer', 2), entity('SaaSProduct', 3, { name: 'Analytics' })]
    backend.catalogEntities.mockResolvedValue(entitiesView(list))
    await open()
    await useCatalogStore().init()
    await pickTemplate('update-information')
    const select = wrapper!.findComponent<typeof NSelect>('[data-testid="changeset-entity"]')
    expect(select.exists()).toBe(true)
    expect((select.props('options') as Array<{ value: string }>).map((o) => o.value)).toEqual([list[0]!.id, list[2]!.id])
    select.vm.$emit('update:value', list[2]!.id)
    await settle()
    expect(useChangeSetsStore().request.changes[0]).toMatchObject({ entityId: list[2]!.id, entityType: 'SaaSProduct@1.0' })
  })

  it('blocks Start while the Details are not valid JSON, and says so at the field', async () => {
    await open()
    await pickTemplate('create-experience')
    await details().setValue('{"Name": ')
    await flushPromises()
    expect(startButton().attributes('disabled')).toBeDefined()
    expect(tid('changeset-details-error').text()).toMatch(/^Not valid JSON/)
    expect(tid('changeset-validation').text()).toBe('Fix the Details JSON of change 1 to continue.')
    await settle()
    expect(startButton().attributes('disabled')).toBeDefined()
    await startButton().trigger('click')
    expect(backend.startChangeSet).not.toHaveBeenCalled()

    await details().setValue('{"Name": "Fixed"}')
    await settle()
    expect(tid('changeset-details-error').text()).toBe('')
    expect(startButton().attributes('disabled')).toBeUndefined()
  })

  it('checks the change set as the Go side does, debounced, and shows its words beside Start', async () => {
    backend.validateChangeSet.mockImplementation(async (req) => (req.changes[0]!.entityType.includes('@') ? '' : `change 1: entity type "${req.changes[0]!.entityType}" needs its version, e.g. SaaSProduct@1.0`))
    await open()
    await pickTemplate('create-experience')
    backend.validateChangeSet.mockClear()
    await field('changeset-entity-type').setValue('Experience')
    await vi.advanceTimersByTimeAsync(100)
    expect(backend.validateChangeSet).not.toHaveBeenCalled()
    await settle()
    expect(backend.validateChangeSet).toHaveBeenCalledTimes(1)
    expect(tid('changeset-validation').text()).toBe('change 1: entity type "Experience" needs its version, e.g. SaaSProduct@1.0')
    expect(startButton().attributes('disabled')).toBeDefined()
  })

  it('keeps everything typed and shows the Go message when the start fails', async () => {
    const msg = 'starting the change set: AccessDeniedException: User is not authorized to perform aws-marketplace:StartChangeSet'
    backend.startChangeSet.mockRejectedValue(new Error(msg))
    await open()
    await pickTemplate('create-experience')
    await field('changeset-name').setValue('pmp-1')
    await settle()
    await startButton().trigger('click')
    await settle()
    expect(tid('changeset-error').text()).toContain(msg)
    expect(field('changeset-name').element.value).toBe('pmp-1')
    expect(details().element.value).toBe('{"Name": "ExamplePrivateMarketplace"}')
    expect(startButton().attributes('disabled')).toBeUndefined()
    expect(tid('changeset-current').exists()).toBe(false)
  })

  it('moves through tag rows with Enter, adding a row at the end, without starting', async () => {
    await open()
    await pickTemplate('create-experience')
    const rows = () => wrapper!.findAll('[data-testid="changeset-tag-row"]')
    expect(rows()).toHaveLength(1)
    await q('[data-testid="changeset-tag-key"] input').trigger('keydown', { key: 'Enter' })
    expect(document.activeElement).toBe(q('[data-testid="changeset-tag-value"] input').element)
    await q('[data-testid="changeset-tag-value"] input').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(rows()).toHaveLength(2)
    expect(document.activeElement).toBe(wrapper!.findAll('[data-testid="changeset-tag-key"] input')[1]!.element)
    await wrapper!.findAll('[data-testid="changeset-tag-remove"]')[1]!.trigger('click')
    expect(rows()).toHaveLength(1)
    await settle()
    expect(backend.startChangeSet).not.toHaveBeenCalled()
  })

  it('starts with Ctrl+Enter', async () => {
    await open()
    await pickTemplate('create-experience')
    await tid('changeset-form').trigger('keydown', { key: 'Enter', ctrlKey: true })
    await settle()
    expect(backend.startChangeSet).toHaveBeenCalledTimes(1)
  })
})

describe('the change set followed', () => {
  it('advances the stepper with the status events, to SUCCEEDED', async () => {
    await open()
    await startFrom('create-experience')
    expect(backend.startChangeSet).toHaveBeenCalledWith({
      name: '', changeSetTags: [{ key: 'product-team', value: 'team-xyz' }],
      changes: [{ changeType: 'CreateExperience', entityType: 'Experience@1.0', entityId: '', details: '{"Name": "ExamplePrivateMarketplace"}', entityTags: [{ key: 'product-team', value: 'team-xyz' }] }],
    })
    expect(tid('changeset-id').text()).toBe('cs-1')
    expect(tid('changeset-arn').text()).toBe('arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/cs-1')
    expect(tid('changeset-status').text()).toBe('PREPARING')
    expect(steps().props()).toMatchObject({ current: 1, status: 'process' })
    expect(tid('changeset-following').exists()).toBe(true)

    emit('catalog:changeset', changeSetView({ id: 'cs-other', status: 'FAILED' }))
    await flushPromises()
    expect(tid('changeset-status').text()).toBe('PREPARING')

    emit('catalog:changeset', changeSetView({ status: 'APPLYING' }))
    await flushPromises()
    expect(tid('changeset-status').text()).toBe('APPLYING')
    expect(steps().props()).toMatchObject({ current: 2, status: 'process' })

    emit('catalog:changeset', changeSetView({ status: 'SUCCEEDED', watching: false, endTime: '2026-01-01T10:03:00Z' }))
    await flushPromises()
    expect(tid('changeset-status').text()).toBe('SUCCEEDED')
    expect(steps().props()).toMatchObject({ current: 3, status: 'finish' })
    expect(tid('changeset-steps').text()).toContain('Succeeded')
    expect(tid('changeset-following').exists()).toBe(false)
    expect(tid('changeset-failure').exists()).toBe(false)
  })

  it('shows why it failed: the failure code and description, and every change\'s errors', async () => {
    await open()
    await startFrom('create-experience')
    emit('catalog:changeset', changeSetView({
      status: 'FAILED', failureCode: 'CLIENT_ERROR', failureDescription: 'One or more changes failed validation.', watching: false,
      changes: [
        { changeType: 'CreateExperience', entityType: 'Experience@1.0', entityId: 'exp-1', errors: ['INVALID_INPUT: Name must be unique', 'INVALID_TAG: tag key is reserved'] },
        { changeType: 'UpdateInformation', entityType: 'AmiProduct@1.0', entityId: 'prod-1', errors: [] },
      ],
    }))
    await flushPromises()
    expect(steps().props()).toMatchObject({ current: 3, status: 'error' })
    expect(tid('changeset-failure-code').text()).toBe('CLIENT_ERROR')
    expect(tid('changeset-failure-description').text()).toBe('One or more changes failed validation.')
    const errs = wrapper!.findAll('[data-testid="changeset-change-error"]')
    expect(errs).toHaveLength(1)
    expect(errs[0]!.text()).toContain('CreateExperience')
    expect(errs[0]!.text()).toContain('INVALID_INPUT: Name must be unique')
    expect(errs[0]!.text()).toContain('INVALID_TAG: tag key is reserved')
  })

  it('offers Cancel only while PREPARING', async () => {
    await open()
    await startFrom('create-experience')
    expect(tid('changeset-cancel').exists()).toBe(true)
    await tid('changeset-cancel').trigger('click')
    await settle()
    expect(backend.cancelChangeSet).toHaveBeenCalledWith('cs-1')
    expect(tid('changeset-status').text()).toBe('CANCELLED')
    expect(tid('changeset-cancel').exists()).toBe(false)
    // Cancelled while preparing: it never reached Applying.
    expect(steps().props()).toMatchObject({ current: 2, status: 'error' })
    expect(tid('changeset-steps').text()).toContain('Stopped before applying')

    backend.startChangeSet.mockResolvedValue(changeSetView({ id: 'cs-2' }))
    await startButton().trigger('click')
    await settle()
    expect(tid('changeset-cancel').exists()).toBe(true)
    emit('catalog:changeset', changeSetView({ id: 'cs-2', status: 'APPLYING' }))
    await flushPromises()
    expect(tid('changeset-cancel').exists()).toBe(false)
  })

  it('copies the ID and ARN', async () => {
    const { copyText } = await import('@/test/seam').then((m) => m.events)
    await open()
    await startFrom('create-experience')
    const buttons = tid('changeset-current').findAll('[data-testid="copy-button"]')
    expect(buttons.map((b) => b.attributes('aria-label'))).toEqual(['Copy change set ID', 'Copy change set ARN'])
    await buttons[0]!.trigger('click')
    expect(copyText).toHaveBeenCalledWith('cs-1')
  })
})

describe('recent change sets', () => {
  const rows = [
    { id: 'cs-a', arn: 'arn:a', name: 'spring', status: 'APPLYING', startTime: '2026-01-01T09:00:00Z', endTime: '', entityIds: ['prod-1'] },
    { id: 'cs-b', arn: 'arn:b', name: '', status: 'FAILED', startTime: '2026-01-01T08:00:00Z', endTime: '2026-01-01T08:01:00Z', entityIds: [] },
  ]

  it('lists them, opens one on click or Enter, and updates rows from events', async () => {
    backend.listChangeSets.mockResolvedValue(rows)
    backend.describeChangeSet.mockImplementation(async (id) => changeSetView({ id, status: id === 'cs-a' ? 'APPLYING' : 'FAILED', failureCode: 'SERVER_FAULT' }))
    await open()
    const trs = wrapper!.findAll('[data-testid="changeset-row"]')
    expect(trs.map((r) => r.attributes('data-id'))).toEqual(['cs-a', 'cs-b'])
    await trs[1]!.trigger('click')
    await settle()
    expect(backend.describeChangeSet).toHaveBeenCalledWith('cs-b')
    expect(tid('changeset-id').text()).toBe('cs-b')
    expect(tid('changeset-failure-code').text()).toBe('SERVER_FAULT')
    await trs[0]!.trigger('keydown', { key: 'Enter' })
    await settle()
    expect(tid('changeset-id').text()).toBe('cs-a')
    expect(trs[0]!.attributes('aria-current')).toBe('true')

    emit('catalog:changeset', changeSetView({ id: 'cs-a', status: 'SUCCEEDED' }))
    await flushPromises()
    expect(wrapper!.findAll('[data-testid="changeset-row-status"]').map((t) => t.text())).toEqual(['SUCCEEDED', 'FAILED'])
  })

  it('filters by status, name and entity ID', async () => {
    await open()
    expect(tid('changeset-empty').text()).toBe('No change sets yet. Start one above.')
    wrapper!.findComponent<typeof NSelect>('[data-testid="changeset-filter-status"]').vm.$emit('update:value', 'FAILED')
    await settle()
    expect(backend.listChangeSets).toHaveBeenLastCalledWith({ status: 'FAILED', name: '', entityId: '' })
    await field('changeset-filter-name').setValue('spring ')
    await field('changeset-filter-entity').setValue('prod-1')
    await tid('changeset-refresh').trigger('click')
    await settle()
    expect(backend.listChangeSets).toHaveBeenLastCalledWith({ status: 'FAILED', name: 'spring', entityId: 'prod-1' })
    expect(tid('changeset-empty').text()).toBe('No change set matches these filters.')
  })

  it('shows a failed listing with the Go words', async () => {
    backend.listChangeSets.mockRejectedValue(new Error('listing change sets: ExpiredTokenException'))
    await open()
    expect(tid('changeset-error').text()).toContain('listing change sets: ExpiredTokenException')
  })
})
