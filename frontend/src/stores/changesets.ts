// The change sets store: the "New change set" draft, the change set being
// followed (started here or picked from the list), and the recent change
// sets. The Go Catalog service owns the truth and follows running change
// sets itself; this store mirrors it from catalog:changeset events and call
// results. The draft lives here so nothing typed is lost when a call fails
// or the panel is closed and opened again.
import { defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import * as backend from '@/api/backend'
import type { ErrorView, ChangeSetFilter, ChangeSetRequest, ChangeSetSummary, ChangeSetTemplate, ChangeSetView, Tag } from '@/api/backend'
import { onCatalogChangeSet } from '@/api/events'
import { useSessionStore } from './session'

export type ChangeSetAction = 'templates' | 'start' | 'describe' | 'cancel' | 'list'

export const CHANGE_SET_STATUSES = ['PREPARING', 'APPLYING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const

/** One key/value row of a tag editor; id keys the row in the list. */
export interface TagRow {
  id: number
  key: string
  value: string
}

/** One change of the draft, as the form edits it. */
export interface ChangeDraft {
  id: number
  changeType: string
  entityType: string
  entityId: string
  details: string
  entityTags: TagRow[]
}

export interface ChangeSetDraft {
  /** The example the draft was filled from; null when typed from scratch. */
  templateId: string | null
  name: string
  changes: ChangeDraft[]
  changeSetTags: TagRow[]
}

let rowSeq = 0
export function nextRowId(): number {
  return ++rowSeq
}

export function tagRows(tags: Tag[]): TagRow[] {
  return tags.map((t) => ({ id: nextRowId(), key: t.key, value: t.value }))
}

/** The rows as tags; rows left wholly empty are dropped, anything typed is kept for the Go side to judge. */
export function rowsToTags(rows: TagRow[]): Tag[] {
  return rows.filter((r) => r.key !== '' || r.value !== '').map((r) => ({ key: r.key, value: r.value }))
}

export function emptyChange(): ChangeDraft {
  return { id: nextRowId(), changeType: '', entityType: '', entityId: '', details: '{}', entityTags: [] }
}

export function emptyDraft(): ChangeSetDraft {
  return { templateId: null, name: '', changes: [emptyChange()], changeSetTags: [] }
}

/** The problem JSON.parse finds in a Details text; '' when it parses. */
export function jsonProblem(text: string): string {
  if (text.trim() === '') return 'Not valid JSON: Details is empty (use {} for no details)'
  try {
    JSON.parse(text)
    return ''
  } catch (e) {
    return `Not valid JSON: ${backend.errorMessage(e)}`
  }
}

/** The request StartChangeSet gets for a draft. */
export function draftRequest(d: ChangeSetDraft): ChangeSetRequest {
  return {
    name: d.name.trim(),
    changes: d.changes.map((c) => ({
      changeType: c.changeType.trim(),
      entityType: c.entityType.trim(),
      entityId: c.entityId.trim(),
      details: c.details,
      entityTags: rowsToTags(c.entityTags),
    })),
    changeSetTags: rowsToTags(d.changeSetTags),
  }
}

/** How far a status has come: PREPARING 0, APPLYING 1, ended 2; unknown -1. */
export function statusRank(status: string): number {
  if (backend.isTerminalStatus(status)) return 2
  if (status === 'APPLYING') return 1
  if (status === 'PREPARING') return 0
  return -1
}

/** The newer of two views of one change set: a status never moves back. */
function newest(known: ChangeSetView | undefined, v: ChangeSetView): ChangeSetView {
  if (known && statusRank(known.status) > statusRank(v.status)) return known
  return v
}

function summaryOf(v: ChangeSetView): ChangeSetSummary {
  return { id: v.id, arn: v.arn, name: v.name, status: v.status, startTime: v.startTime, endTime: v.endTime,
    entityIds: v.changes.map((c) => c.entityId).filter(Boolean) }
}

function matchesFilter(s: ChangeSetSummary, f: ChangeSetFilter): boolean {
  const name = f.name.trim()
  const entity = f.entityId.trim()
  return (!f.status || s.status === f.status) && (!name || s.name === name) && (!entity || s.entityIds.includes(entity))
}

export const useChangeSetsStore = defineStore('changesets', () => {
  const templates = ref<ChangeSetTemplate[]>([])
  const draft = reactive<ChangeSetDraft>(emptyDraft())
  const current = ref<ChangeSetView | null>(null)
  const list = ref<ChangeSetSummary[]>([])
  const listLoaded = ref(false)
  const filter = reactive<ChangeSetFilter>({ status: '', name: '', entityId: '' })
  const busy = reactive<Record<ChangeSetAction, boolean>>({ templates: false, start: false, describe: false, cancel: false, list: false })
  /** The last call that failed, with the Go error text as-is. */
  const actionError = ref<{ action: ChangeSetAction; message: string; error: ErrorView } | null>(null)

  /** The most advanced view seen of each change set, by ID (events and results). */
  const seen = new Map<string, ChangeSetView>()
  let unsubs: Array<() => void> = []
  let describeSeq = 0
  let listSeq = 0
  let started = false

  // --- getters ---
  const request = computed(() => draftRequest(draft))
  const template = computed(() => templates.value.find((t) => t.id === draft.templateId) ?? null)
  const running = computed(() => current.value !== null && !backend.isTerminalStatus(current.value.status))
  const canCancel = computed(() => current.value?.status === 'PREPARING')

  // --- state from the Go side ---
  function patchRow(v: ChangeSetView) {
    const i = list.value.findIndex((s) => s.id === v.id)
    if (i < 0) return
    const row = list.value[i]!
    list.value[i] = { ...row, status: v.status, endTime: v.endTime || row.endTime, name: v.name || row.name, arn: v.arn || row.arn }
  }

  /** Records a view of a change set and shows it where it is on screen; returns the view kept. */
  function remember(v: ChangeSetView): ChangeSetView {
    if (!v.id) return v
    const kept = newest(seen.get(v.id), v)
    seen.set(v.id, kept)
    if (current.value?.id === v.id) current.value = kept
    patchRow(kept)
    return kept
  }

  function applyEvent(v: ChangeSetView) {
    remember(v)
  }

  function subscribe() {
    if (unsubs.length) return
    unsubs = [onCatalogChangeSet(applyEvent)]
    const session = useSessionStore()
    unsubs.push(watch(() => session.currentKey, (now, before) => {
      if (now && before && now !== before) void reloadForTarget()
    }))
  }

  function unsubscribeAll() {
    unsubs.forEach((u) => u())
    unsubs = []
    started = false
  }

  async function reloadForTarget() {
    current.value = null
    list.value = []
    listLoaded.value = false
    seen.clear()
    await refreshList()
  }

  function fail(action: ChangeSetAction, e: unknown) {
    actionError.value = { action, message: backend.errorMessage(e), error: backend.toErrorView(e) }
  }

  function clearError(action: ChangeSetAction) {
    if (actionError.value?.action === action) actionError.value = null
  }

  /** Loads the examples and the recent change sets (once); follows events. */
  async function init() {
    subscribe()
    if (started) return
    started = true
    await Promise.all([loadTemplates(), refreshList()])
  }

  // --- actions ---
  async function loadTemplates(): Promise<boolean> {
    busy.templates = true
    clearError('templates')
    try {
      templates.value = await backend.changeSetTemplates()
      return true
    } catch (e) {
      fail('templates', e)
      return false
    } finally {
      busy.templates = false
    }
  }

  /** Fills the draft from one of the guide's examples (the name typed is kept). */
  function applyTemplate(id: string | null) {
    const t = templates.value.find((x) => x.id === id)
    if (!t) {
      draft.templateId = null
      return
    }
    draft.templateId = t.id
    if (t.request.name) draft.name = t.request.name
    draft.changes = t.request.changes.length
      ? t.request.changes.map((c) => ({ id: nextRowId(), changeType: c.changeType, entityType: c.entityType, entityId: c.entityId,
        details: c.details, entityTags: tagRows(c.entityTags) }))
      : [emptyChange()]
    draft.changeSetTags = tagRows(t.request.changeSetTags)
  }

  function resetDraft() {
    Object.assign(draft, emptyDraft())
  }

  function addChange() {
    draft.changes.push(emptyChange())
  }

  function removeChange(id: number) {
    if (draft.changes.length > 1) draft.changes = draft.changes.filter((c) => c.id !== id)
  }

  /** Starts the draft; the draft stays as typed whether it works or not. */
  async function start(): Promise<boolean> {
    if (busy.start) return false
    busy.start = true
    clearError('start')
    try {
      const v = await backend.startChangeSet(request.value)
      // A describe still running must not replace the change set just started.
      describeSeq++
      busy.describe = false
      current.value = remember(v)
      const row = summaryOf(current.value)
      if (matchesFilter(row, filter) && !list.value.some((s) => s.id === row.id)) list.value = [row, ...list.value]
      return true
    } catch (e) {
      fail('start', e)
      return false
    } finally {
      busy.start = false
    }
  }

  /** Reads one change set and shows it (the Go side follows it if it runs). */
  async function describe(id: string): Promise<boolean> {
    const seq = ++describeSeq
    busy.describe = true
    clearError('describe')
    try {
      const v = await backend.describeChangeSet(id)
      if (seq !== describeSeq) return false
      current.value = remember(v)
      return true
    } catch (e) {
      if (seq === describeSeq) fail('describe', e)
      return false
    } finally {
      if (seq === describeSeq) busy.describe = false
    }
  }

  /** Cancels the shown change set; AWS allows it only while PREPARING. */
  async function cancel(): Promise<boolean> {
    const cs = current.value
    if (!cs || cs.status !== 'PREPARING' || busy.cancel) return false
    busy.cancel = true
    clearError('cancel')
    try {
      remember(await backend.cancelChangeSet(cs.id))
      return true
    } catch (e) {
      fail('cancel', e)
      return false
    } finally {
      busy.cancel = false
    }
  }

  /** Lists the recent change sets matching the filter (newest first). */
  async function refreshList(): Promise<boolean> {
    const seq = ++listSeq
    busy.list = true
    clearError('list')
    const f = { status: filter.status, name: filter.name.trim(), entityId: filter.entityId.trim() }
    try {
      const rows = await backend.listChangeSets(f)
      if (seq !== listSeq) return false
      list.value = rows.map((r) => {
        const known = seen.get(r.id)
        return known && statusRank(known.status) > statusRank(r.status) ? { ...r, status: known.status, endTime: known.endTime || r.endTime } : r
      })
      listLoaded.value = true
      return true
    } catch (e) {
      if (seq === listSeq) fail('list', e)
      return false
    } finally {
      if (seq === listSeq) busy.list = false
    }
  }

  function dismissError() {
    actionError.value = null
  }

  return {
    templates, draft, current, list, listLoaded, filter, busy, actionError,
    request, template, running, canCancel,
    applyEvent, subscribe, unsubscribeAll, init, loadTemplates, applyTemplate, resetDraft, addChange, removeChange,
    start, describe, cancel, refreshList, dismissError,
  }
})
