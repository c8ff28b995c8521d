// The tiles store: the status tiles of the current target and the
// header's overall progress. The Go Tiles service owns the truth; this store
// mirrors it from tiles:changed events and call results. It refreshes the
// tiles in the background at start, when the onboarding stack reaches
// Connected, and when the session target changes.
import { defineStore } from 'pinia'
import { computed, reactive, ref, watch } from 'vue'
import * as backend from '@/api/backend'
import type { ErrorView, Tile, TileId, TilesView } from '@/api/backend'
import { onTilesChanged } from '@/api/events'
import { useOnboardingStore } from './onboarding'
import { useSessionStore } from './session'

export type TilesAction = 'refresh' | 'testCas' | 'testSdds' | 'testNotifications' | 'enrollSdds' | 'confirmSeller'

export type TagType = 'default' | 'success' | 'warning' | 'error' | 'info'

export const TILE_STATE_LABELS: Record<string, string> = {
  unknown: 'Unknown',
  'not-registered': 'Not registered',
  completed: 'Connected',
  'not-connected': 'Not connected',
  launching: 'Launching',
  connected: 'Connected',
  error: 'Error',
  'not-enrolled': 'Not enrolled',
  waiting: 'Waiting for AWS',
  legacy: 'Legacy',
}

export const TILE_STATE_TAGS: Record<string, TagType> = {
  unknown: 'warning',
  'not-registered': 'error',
  completed: 'success',
  'not-connected': 'default',
  launching: 'info',
  connected: 'success',
  error: 'error',
  'not-enrolled': 'info',
  waiting: 'info',
  legacy: 'default',
}

export function stateLabel(state: string): string {
  return TILE_STATE_LABELS[state] ?? state
}

export function stateTag(state: string): TagType {
  return TILE_STATE_TAGS[state] ?? 'default'
}

export const STALE_REFRESHING = 'last known — refreshing…'
export const STALE_FAILED = 'last known'

export const useTilesStore = defineStore('tiles', () => {
  const view = ref<TilesView | null>(null)
  const loadError = ref<string | null>(null)
  const busy = reactive<Record<TilesAction, boolean>>({ refresh: false, testCas: false, testSdds: false, testNotifications: false, enrollSdds: false, confirmSeller: false })
  /** The last call that failed, with the Go error text as-is. */
  const actionError = ref<{ action: TilesAction; message: string; error: ErrorView } | null>(null)

  let eventSeq = 0
  let unsubscribe: (() => void) | null = null
  let refreshAgain = false
  let stopWatches: Array<() => void> = []

  // --- getters ---
  const loaded = computed(() => view.value !== null)
  const byId = computed(() => new Map((view.value?.tiles ?? []).map((t) => [t.id, t])))
  const seller = computed(() => byId.value.get('seller') ?? null)
  const role = computed(() => byId.value.get('role') ?? null)
  const cas = computed(() => byId.value.get('cas') ?? null)
  const sdds = computed(() => byId.value.get('sdds') ?? null)
  const notifications = computed(() => byId.value.get('notifications') ?? null)
  /** A check run is under way, on the Go side or asked for here. */
  const checking = computed(() => Boolean(view.value?.busy) || Object.values(busy).some(Boolean))
  /** Counted and worded by the Go side (tiles.Summarize), as `sellerdesk status` prints it: never re-counted here. */
  const progress = computed(() => view.value?.progress ?? null)
  const progressText = computed(() => progress.value?.text ?? '')

  function tile(id: TileId): Tile | null {
    return byId.value.get(id) ?? null
  }

  /** "last known — refreshing…" while a stale tile is being re-checked, "last known" once that failed; null when fresh. */
  function staleLine(id: TileId): string | null {
    const t = tile(id)
    if (!t?.stale) return null
    return checking.value ? STALE_REFRESHING : STALE_FAILED
  }

  // --- state from the Go side ---
  function applyEvent(v: TilesView) {
    eventSeq++
    view.value = v
    loadError.value = null
  }

  /** A result is applied only if no event arrived while the call ran: the event is then at least as new. */
  async function applyResult(call: Promise<TilesView>): Promise<TilesView> {
    const seq = eventSeq
    const v = await call
    if (seq === eventSeq || !view.value) {
      view.value = v
      loadError.value = null
    }
    return v
  }

  function subscribe() {
    if (!unsubscribe) unsubscribe = onTilesChanged(applyEvent)
  }

  function watchOthers() {
    if (stopWatches.length) return
    const onboarding = useOnboardingStore()
    const session = useSessionStore()
    stopWatches = [
      // After a launch (or a recheck) the tiles follow the stack's outputs.
      watch(() => onboarding.phase, (now, before) => {
        if (now === 'connected' && before !== 'connected' && onboarding.loaded) void refresh()
      }),
      // Another target: the Go side shows its cached tiles (stale); re-check them.
      watch(() => session.currentKey, (now, before) => {
        if (now && before && now !== before) void refresh()
      }),
    ]
  }

  function unsubscribeAll() {
    unsubscribe?.()
    unsubscribe = null
    stopWatches.forEach((stop) => stop())
    stopWatches = []
  }

  /** Shows the cached tiles at once, then re-checks them in the background. */
  /** `boot`, the state written into the page, is shown before the first await. */
  async function init(boot?: TilesView) {
    subscribe()
    watchOthers()
    if (boot) applyEvent(boot)
    try {
      await applyResult(backend.tilesState())
    } catch (e) {
      loadError.value = `SellerDesk could not read the tiles state: ${backend.errorMessage(e)}`
    }
    void refresh()
  }

  async function run(action: TilesAction, call: () => Promise<TilesView>): Promise<boolean> {
    if (busy[action]) return false
    busy[action] = true
    if (actionError.value?.action === action) actionError.value = null
    try {
      await applyResult(call())
      return true
    } catch (e) {
      actionError.value = { action, message: backend.errorMessage(e), error: backend.toErrorView(e) }
      return false
    } finally {
      busy[action] = false
    }
  }

  // --- actions ---

  /** Re-checks every tile; a refresh asked for during one runs once it ends. */
  async function refresh(): Promise<boolean> {
    if (busy.refresh) {
      refreshAgain = true
      return false
    }
    let ok = await run('refresh', () => backend.refreshTiles())
    while (refreshAgain) {
      refreshAgain = false
      ok = await run('refresh', () => backend.refreshTiles())
    }
    return ok
  }

  function testCas() {
    return run('testCas', () => backend.testCas())
  }

  function testSdds() {
    return run('testSdds', () => backend.testSdds())
  }

  function testNotifications() {
    return run('testNotifications', () => backend.testNotifications())
  }

  /** "Enrolled in SDDS" is the user's word; CAS is legacy and has no toggle. */
  function setEnrolled(t: 'sdds', enrolled: boolean) {
    return run('enrollSdds', () => backend.setEnrolled(t, enrolled))
  }

  function confirmSeller(confirmed: boolean) {
    return run('confirmSeller', () => backend.confirmSeller(confirmed))
  }

  function dismissError() {
    actionError.value = null
  }

  return {
    view, loadError, busy, actionError,
    loaded, seller, role, cas, sdds, notifications, checking, progress, progressText,
    tile, staleLine, applyEvent, applyResult, subscribe, unsubscribeAll, init,
    refresh, testCas, testSdds, testNotifications, setEnrolled, confirmSeller, dismissError,
  }
})
