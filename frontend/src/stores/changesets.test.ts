import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChangeSetSummary, ChangeSetView } from '@/api/catalogTypes'
import { backend, changeSetTemplatesFixture, changeSetView, emit, listenerCount, profileState, resetSeam } from '@/test/seam'
import { draftRequest, emptyDraft, jsonProblem, rowsToTags, statusRank, useChangeSetsStore } from './changesets'
import { useSessionStore } from './session'

vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())

function deferred<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}

function summary(id: string, over: Partial<ChangeSetSummary> = {}): ChangeSetSummary {
  return { id, arn: `arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/${id}`, name: '', status: 'SUCCEEDED',
    startTime: '2026-01-01T09:00:00Z', endTime: '2026-01-01T09:05:00Z', entityIds: ['prod-1'], ...over }
}

beforeEach(() => {
  resetSeam()
  setActivePinia(createPinia())
})

describe('change sets store', () => {
  it('loads the examples and the recent change sets, and follows events', async () => {
    backend.listChangeSets.mockResolvedValue([summary('cs-9')])
    const s = useChangeSetsStore()
    await s.init()
    expect(s.templates.map((t) => t.id)).toEqual(['update-information', 'create-experience'])
    expect(s.list.map((r) => r.id)).toEqual(['cs-9'])
    expect(s.listLoaded).toBe(true)
    expect(backend.listChangeSets).toHaveBeenCalledWith({ status: '', name: '', entityId: '' })
    expect(listenerCount('catalog:changeset')).toBe(1)
    await s.init()
    expect(backend.changeSetTemplates).toHaveBeenCalledTimes(1)
    expect(listenerCount('catalog:changeset')).toBe(1)
  })

  it('prefills the draft from an example, keeping the name typed', async () => {
    const s = useChangeSetsStore()
    await s.init()
    s.draft.name = 'my-experience'
    s.applyTemplate('create-experience')
    expect(s.draft.templateId).toBe('create-experience')
    expect(s.template?.needsEntity).toBe('')
    const tpl = changeSetTemplatesFixture[1]!.request
    expect(s.request).toEqual({ ...tpl, name: 'my-experience' })

    s.applyTemplate('update-information')
    expect(s.request.changes[0]).toMatchObject({ changeType: 'UpdateInformation', entityType: 'AmiProduct@1.0', details: '{"ProductTitle":"My updated title"}', entityTags: [] })
    expect(s.request.changeSetTags).toEqual([{ key: 'product-team', value: 'team-xyz' }])
    // Editing the draft does not touch the example.
    s.draft.changes[0]!.details = '{}'
    expect(s.templates[0]!.request.changes[0]!.details).toBe('{"ProductTitle":"My updated title"}')
  })

  it('adds and removes changes, never below one', () => {
    const s = useChangeSetsStore()
    s.addChange()
    expect(s.draft.changes).toHaveLength(2)
    s.removeChange(s.draft.changes[0]!.id)
    s.removeChange(s.draft.changes[0]!.id)
    expect(s.draft.changes).toHaveLength(1)
  })

  it('starts the draft, shows it and lists it first', async () => {
    backend.listChangeSets.mockResolvedValue([summary('cs-old')])
    backend.startChangeSet.mockResolvedValue(changeSetView({ id: 'cs-new', name: 'n', changes: [{ changeType: 'CreateExperience', entityType: 'Experience@1.0', entityId: '', errors: [] }] }))
    const s = useChangeSetsStore()
    await s.init()
    s.applyTemplate('create-experience')
    const p = s.start()
    expect(s.busy.start).toBe(true)
    expect(await p).toBe(true)
    expect(backend.startChangeSet).toHaveBeenCalledWith(s.request)
    expect(s.current?.id).toBe('cs-new')
    expect(s.running).toBe(true)
    expect(s.list.map((r) => r.id)).toEqual(['cs-new', 'cs-old'])
    expect(s.busy.start).toBe(false)
  })

  it('keeps the draft and the Go message when the start fails', async () => {
    backend.startChangeSet.mockRejectedValue(new Error('starting the change set: ResourceInUseException: another change set is PREPARING or APPLYING on this entity; wait for it to end (Change sets list), then start again'))
    const s = useChangeSetsStore()
    await s.init()
    s.applyTemplate('update-information')
    s.draft.changes[0]!.entityId = 'prod-1'
    const before = JSON.stringify(s.draft)
    expect(await s.start()).toBe(false)
    expect(s.actionError?.action).toBe('start')
    expect(s.actionError?.message).toMatch(/^starting the change set: ResourceInUseException/)
    expect(JSON.stringify(s.draft)).toBe(before)
    expect(s.current).toBeNull()
  })

  it('follows status events of the shown change set and of listed rows', async () => {
    backend.listChangeSets.mockResolvedValue([summary('cs-other', { status: 'APPLYING', endTime: '' })])
    const s = useChangeSetsStore()
    await s.init()
    await s.start()
    expect(s.current?.status).toBe('PREPARING')
    emit('catalog:changeset', changeSetView({ status: 'APPLYING' }))
    expect(s.current?.status).toBe('APPLYING')
    expect(s.canCancel).toBe(false)
    emit('catalog:changeset', changeSetView({ id: 'cs-other', status: 'FAILED', endTime: '2026-01-01T10:10:00Z', watching: false }))
    expect(s.current?.status).toBe('APPLYING')
    expect(s.list.find((r) => r.id === 'cs-other')).toMatchObject({ status: 'FAILED', endTime: '2026-01-01T10:10:00Z' })
    emit('catalog:changeset', changeSetView({ status: 'SUCCEEDED', watching: false, endTime: '2026-01-01T10:02:00Z' }))
    expect(s.current?.status).toBe('SUCCEEDED')
    expect(s.running).toBe(false)
    expect(s.list.find((r) => r.id === 'cs-1')?.status).toBe('SUCCEEDED')
  })

  it('never moves a status back when an older result lands after an event', async () => {
    const call = deferred<ChangeSetView>()
    backend.startChangeSet.mockReturnValue(call.promise)
    const s = useChangeSetsStore()
    await s.init()
    const p = s.start()
    emit('catalog:changeset', changeSetView({ status: 'APPLYING' }))
    call.resolve(changeSetView({ status: 'PREPARING' }))
    await p
    expect(s.current?.status).toBe('APPLYING')
    emit('catalog:changeset', changeSetView({ status: 'PREPARING' }))
    expect(s.current?.status).toBe('APPLYING')
  })

  it('cancels only while PREPARING', async () => {
    const s = useChangeSetsStore()
    await s.init()
    await s.start()
    expect(s.canCancel).toBe(true)
    expect(await s.cancel()).toBe(true)
    expect(backend.cancelChangeSet).toHaveBeenCalledWith('cs-1')
    expect(s.current?.status).toBe('CANCELLED')

    backend.cancelChangeSet.mockClear()
    backend.describeChangeSet.mockResolvedValue(changeSetView({ id: 'cs-2', status: 'APPLYING' }))
    await s.describe('cs-2')
    expect(s.canCancel).toBe(false)
    expect(await s.cancel()).toBe(false)
    expect(backend.cancelChangeSet).not.toHaveBeenCalled()
  })

  it('reports a refused cancel with the Go words', async () => {
    backend.cancelChangeSet.mockRejectedValue(new Error('cancelling change set cs-1 (only a PREPARING change set can be cancelled): ValidationException'))
    const s = useChangeSetsStore()
    await s.start()
    expect(await s.cancel()).toBe(false)
    expect(s.actionError).toMatchObject({ action: 'cancel', message: 'cancelling change set cs-1 (only a PREPARING change set can be cancelled): ValidationException' })
    expect(s.busy.cancel).toBe(false)
  })

  it('describes the row picked last, even when an earlier answer comes later', async () => {
    const first = deferred<ChangeSetView>()
    backend.describeChangeSet.mockReturnValueOnce(first.promise).mockResolvedValueOnce(changeSetView({ id: 'cs-b', status: 'SUCCEEDED' }))
    const s = useChangeSetsStore()
    const a = s.describe('cs-a')
    await s.describe('cs-b')
    first.resolve(changeSetView({ id: 'cs-a', status: 'FAILED' }))
    expect(await a).toBe(false)
    expect(s.current?.id).toBe('cs-b')
    expect(s.busy.describe).toBe(false)

    backend.describeChangeSet.mockRejectedValueOnce(new Error('reading change set cs-x: ResourceNotFoundException'))
    expect(await s.describe('cs-x')).toBe(false)
    expect(s.actionError).toMatchObject({ action: 'describe', message: 'reading change set cs-x: ResourceNotFoundException' })
    expect(s.current?.id).toBe('cs-b')
  })

  it('lists with the filter, keeping statuses the events already moved on', async () => {
    const s = useChangeSetsStore()
    await s.init()
    await s.start()
    emit('catalog:changeset', changeSetView({ status: 'SUCCEEDED' }))
    backend.listChangeSets.mockResolvedValue([summary('cs-1', { status: 'PREPARING', endTime: '' })])
    s.filter.status = 'PREPARING'
    s.filter.name = '  spring '
    await s.refreshList()
    expect(backend.listChangeSets).toHaveBeenLastCalledWith({ status: 'PREPARING', name: 'spring', entityId: '' })
    expect(s.list[0]!.status).toBe('SUCCEEDED')

    backend.listChangeSets.mockRejectedValue(new Error('listing change sets: AccessDeniedException'))
    expect(await s.refreshList()).toBe(false)
    expect(s.actionError?.message).toBe('listing change sets: AccessDeniedException')
    expect(s.list).toHaveLength(1)
  })

  it('starts afresh when the session target changes', async () => {
    const session = useSessionStore()
    await session.init()
    const s = useChangeSetsStore()
    await s.init()
    await s.start()
    backend.listChangeSets.mockClear()
    emit('session:changed', profileState('dev'))
    await flushPromises()
    expect(s.current).toBeNull()
    expect(backend.listChangeSets).toHaveBeenCalledTimes(1)
  })
})

describe('change set helpers', () => {
  it('finds JSON problems', () => {
    expect(jsonProblem('{"a":1}')).toBe('')
    expect(jsonProblem('{"a":')).toMatch(/^Not valid JSON/)
    expect(jsonProblem('  ')).toMatch(/^Not valid JSON/)
  })

  it('drops empty tag rows but keeps half-typed ones for the Go side to judge', () => {
    expect(rowsToTags([{ id: 1, key: '', value: '' }, { id: 2, key: 'k', value: '' }, { id: 3, key: '', value: 'v' }]))
      .toEqual([{ key: 'k', value: '' }, { key: '', value: 'v' }])
  })

  it('trims what the Go side would not', () => {
    const d = emptyDraft()
    d.name = ' n '
    d.changes[0]!.changeType = ' UpdateInformation '
    d.changes[0]!.entityId = ' prod-1 '
    expect(draftRequest(d)).toEqual({ name: 'n', changes: [{ changeType: 'UpdateInformation', entityType: '', entityId: 'prod-1', details: '{}', entityTags: [] }], changeSetTags: [] })
  })

  it('ranks the statuses', () => {
    expect(['PREPARING', 'APPLYING', 'SUCCEEDED', 'FAILED', 'CANCELLED', '?'].map(statusRank)).toEqual([0, 1, 2, 2, 2, -1])
  })
})
