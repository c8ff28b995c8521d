// The catalog store: the seller's entities of the current target, their
// tags, the selection, and the bulk tagging job. The Go Catalog service owns
// the truth (and the bbolt cache); this store mirrors it from catalog:*
// events and call results. The list can hold thousands of entities, so it
// is kept in shallow refs and filtered in one pass.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef, watch } from 'vue'
import * as backend from '@/api/backend'
import type { BulkEstimate, BulkJob, BulkPreview, BulkRequest, BulkView, EntitiesView, EntitySummary, Tag, TagRead, TagsUpdate } from '@/api/backend'
import { onCatalogBulk, onCatalogEntities, onCatalogTags } from '@/api/events'
import { useSessionStore } from './session'

export type SortKey = 'name' | 'type' | 'visibility' | 'lastModified' | 'id'

export const ENTITY_TYPES = ['SaaSProduct', 'AmiProduct', 'ContainerProduct', 'DataProduct', 'Offer', 'ResaleAuthorization', 'Experience'] as const

const idleBulk: BulkView = {
  phase: 'idle', jobId: '', kind: '', read: 0, done: 0, failed: 0, total: 0, throttled: 0, rate: 0, etaSeconds: 0, succeeded: [], failures: [], error: null,
}

/** "1 m 05 s" style ETA; '' when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return ''
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  return `${m} m ${String(s % 60).padStart(2, '0')} s`
}

/** Whether an entity matches a search: name, ID, type, ARN or any tag. */
export function matches(e: EntitySummary, tags: Tag[] | undefined, q: string): boolean {
  if (!q) return true
  if (e.name.toLowerCase().includes(q) || e.id.toLowerCase().includes(q) || e.type.toLowerCase().includes(q) || e.arn.toLowerCase().includes(q)) return true
  return (tags ?? []).some((t) => t.key.toLowerCase().includes(q) || t.value.toLowerCase().includes(q) || `${t.key}=${t.value}`.toLowerCase() === q)
}

export const useCatalogStore = defineStore('catalog', () => {
  const meta = ref<Omit<EntitiesView, 'entities'> | null>(null)
  const entities = shallowRef<EntitySummary[]>([])
  /** Tags by ARN, as last read; a missing key means "not read yet". */
  const tags = shallowRef(new Map<string, Tag[]>())
  const query = ref('')
  const typeFilter = ref<string>('')
  const sortKey = ref<SortKey>('lastModified')
  const sortDesc = ref(true)
  const selected = shallowRef(new Set<string>())
  /** The entity whose tags are being edited. */
  const editing = ref<string | null>(null)
  const loadError = ref<string | null>(null)
  const actionError = ref<string | null>(null)
  const refreshing = ref(false)
  const bulk = ref<BulkView>({ ...idleBulk })
  const jobs = ref<BulkJob[]>([])
  const preview = ref<BulkPreview | null>(null)
  const previewing = ref(false)
  /** How long a job on the selection takes (Go: catalog.EstimateJob). */
  const estimate = ref<BulkEstimate | null>(null)
  /** What "read the rest" queued, once asked. */
  const tagsReading = ref<TagRead | null>(null)

  let started = false
  let unsubs: Array<() => void> = []
  let listVersion = -1

  // --- getters ---
  const loaded = computed(() => meta.value !== null)
  const count = computed(() => entities.value.length)
  const byArn = computed(() => new Map(entities.value.map((e) => [e.arn, e])))
  const typeCounts = computed(() => {
    const m = new Map<string, number>()
    for (const e of entities.value) m.set(e.type, (m.get(e.type) ?? 0) + 1)
    return m
  })
  const visible = computed(() => {
    const q = query.value.trim().toLowerCase()
    const t = typeFilter.value
    const tg = tags.value
    const out = entities.value.filter((e) => (!t || e.type === t) && matches(e, tg.get(e.arn), q))
    const k = sortKey.value
    const dir = sortDesc.value ? -1 : 1
    out.sort((a, b) => {
      const c = a[k].localeCompare(b[k])
      return c !== 0 ? c * dir : a.id.localeCompare(b.id)
    })
    return out
  })
  const selectedArns = computed(() => [...selected.value])
  const unfinishedJobs = computed(() => jobs.value.filter((j) => !j.finished && j.pending > 0))
  const bulkRunning = computed(() => bulk.value.phase === 'running' || bulk.value.phase === 'previewing')

  // The selection's estimate follows it, asked of Go once it settles.
  let estimateTimer: ReturnType<typeof setTimeout> | undefined
  let estimateSeq = 0
  watch([selected, () => tags.value.size], () => {
    clearTimeout(estimateTimer)
    if (!selected.value.size) {
      estimate.value = null
      return
    }
    estimateTimer = setTimeout(async () => {
      const seq = ++estimateSeq
      try {
        const e = await backend.estimateBulk('add', [...selected.value])
        if (seq === estimateSeq) estimate.value = e
      } catch {
        if (seq === estimateSeq) estimate.value = null
      }
    }, 250)
  })
  /** Entities whose tags are not read yet (a tag search does not cover them). */
  const unreadTags = computed(() => entities.value.reduce((n, e) => n + (tags.value.has(e.arn) ? 0 : 1), 0))

  /** Reads, in the background, the tags of every entity not read yet. */
  async function readAllTags() {
    try {
      tagsReading.value = await backend.readAllTags()
    } catch (e) {
      actionError.value = `Could not read the other tags: ${backend.errorMessage(e)}`
    }
  }

  function tagsOf(arn: string): Tag[] | undefined {
    return tags.value.get(arn)
  }

  // --- state from the Go side ---
  function applyMeta(v: EntitiesView) {
    const { entities: _drop, ...rest } = v
    void _drop
    meta.value = rest
    refreshing.value = v.refreshing
  }

  async function loadList() {
    const v = await backend.catalogEntities()
    listVersion = v.version
    entities.value = v.entities
    applyMeta(v)
    // Forget selections of entities no longer listed.
    const known = new Set(v.entities.map((e) => e.arn))
    const kept = [...selected.value].filter((a) => known.has(a))
    if (kept.length !== selected.value.size) selected.value = new Set(kept)
  }

  function applyTags(u: TagsUpdate) {
    tags.value.set(u.arn, u.tags)
    triggerRef(tags)
  }

  function subscribe() {
    if (unsubs.length) return
    unsubs = [
      onCatalogEntities((v) => {
        applyMeta(v)
        if (v.version !== listVersion) void loadList().catch(() => {})
      }),
      onCatalogTags(applyTags),
      onCatalogBulk((v) => {
        const wasRunning = bulkRunning.value
        bulk.value = v
        if (wasRunning && !bulkRunning.value) void loadJobs()
      }),
    ]
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

  async function loadJobs() {
    try {
      jobs.value = await backend.bulkJobs()
    } catch (e) {
      actionError.value = `Could not read the bulk job journal: ${backend.errorMessage(e)}`
    }
  }

  async function loadAll() {
    try {
      await loadList()
      const all = await backend.allTags()
      tags.value = new Map(Object.entries(all))
      bulk.value = await backend.bulkState()
      loadError.value = null
    } catch (e) {
      loadError.value = `SellerDesk could not read the cached entities: ${backend.errorMessage(e)}`
    }
    await loadJobs()
  }

  async function reloadForTarget() {
    selected.value = new Set()
    editing.value = null
    preview.value = null
    tagsReading.value = null
    tags.value = new Map()
    await loadAll()
    void refresh()
  }

  /** Shows the cached list at once, then refreshes it in the background (once). */
  async function init() {
    subscribe()
    if (started) return
    started = true
    await loadAll()
    void refresh()
  }

  // --- actions ---
  async function refresh(full = false): Promise<boolean> {
    if (refreshing.value && !full) return false
    refreshing.value = true
    actionError.value = null
    try {
      const v = await backend.refreshEntities(full)
      if (v.version !== listVersion) {
        listVersion = v.version
        entities.value = v.entities
      }
      applyMeta(v)
      return true
    } catch (e) {
      actionError.value = backend.errorMessage(e)
      return false
    } finally {
      refreshing.value = false
    }
  }

  /** Asks the Go side for the tags of these (on-screen) rows not read yet. */
  function requestTags(arns: string[]) {
    const want = arns.filter((a) => !tags.value.has(a))
    if (want.length) void backend.loadTags(want).catch(() => {})
  }

  function setSort(key: SortKey) {
    if (sortKey.value === key) sortDesc.value = !sortDesc.value
    else {
      sortKey.value = key
      sortDesc.value = key === 'lastModified'
    }
  }

  function toggle(arn: string, on?: boolean) {
    const s = new Set(selected.value)
    const want = on ?? !s.has(arn)
    if (want) s.add(arn)
    else s.delete(arn)
    selected.value = s
  }

  /** Selects every entity the search shows (or clears them when all are). */
  function toggleAllVisible() {
    const vis = visible.value
    const s = new Set(selected.value)
    const all = vis.length > 0 && vis.every((e) => s.has(e.arn))
    for (const e of vis) {
      if (all) s.delete(e.arn)
      else s.add(e.arn)
    }
    selected.value = s
  }

  function clearSelection() {
    selected.value = new Set()
  }

  async function readTags(arn: string): Promise<Tag[] | null> {
    try {
      const u = await backend.readTags(arn)
      applyTags(u)
      return u.tags
    } catch (e) {
      actionError.value = backend.errorMessage(e)
      return null
    }
  }

  /** Saves an entity's tags; rejects with the Go message (nothing is lost in the editor). */
  async function saveTags(arn: string, next: Tag[]): Promise<Tag[]> {
    const u = await backend.saveTags(arn, next)
    applyTags(u)
    return u.tags
  }

  async function previewBulk(req: BulkRequest): Promise<BulkPreview | null> {
    previewing.value = true
    preview.value = null
    try {
      preview.value = await backend.previewBulk(req)
      return preview.value
    } finally {
      previewing.value = false
    }
  }

  async function startBulk(req: BulkRequest) {
    bulk.value = await backend.startBulk(req)
    preview.value = null
  }

  async function resumeBulk(jobId: string) {
    bulk.value = await backend.resumeBulk(jobId)
  }

  async function stopBulk() {
    await backend.stopBulk()
  }

  function dismissError() {
    actionError.value = null
  }

  return {
    meta, entities, tags, query, typeFilter, sortKey, sortDesc, selected, editing, loadError, actionError, refreshing,
    bulk, jobs, preview, previewing, estimate, tagsReading, unreadTags, readAllTags,
    loaded, count, byArn, typeCounts, visible, selectedArns, unfinishedJobs, bulkRunning,
    tagsOf, applyMeta, applyTags, subscribe, unsubscribeAll, init, loadJobs, refresh, requestTags, setSort, toggle,
    toggleAllVisible, clearSelection, readTags, saveTags, previewBulk, startBulk, resumeBulk, stopBulk, dismissError,
  }
})
