// The onboarding store: the onboarding CloudFormation stack of the current
// target (the "Role and access" tile), the launch form, and the drawer and
// dialogs that act on the stack. The Go Onboarding service owns the truth;
// this store mirrors it from onboarding:changed events and call results.
import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import * as backend from '@/api/backend'
import type { ErrorView, ChangePreview, LaunchForm, Phase, StackEvent, StackRecord, StackView } from '@/api/backend'
import { onOnboardingChanged } from '@/api/events'

export type StackAction = 'launch' | 'follow' | 'retry' | 'delete' | 'preview' | 'update' | 'recheck' | 'drift' | 'restore'

/** What the drawer shows: the launch form or the stack's progress and result. */
export type Panel = 'closed' | 'launch' | 'details'

export const PHASE_LABELS: Record<Phase, string> = {
  'not-connected': 'Not connected',
  launching: 'Launching',
  verifying: 'Verifying',
  connected: 'Connected',
  error: 'Error',
  deleting: 'Deleting',
}

export type TagType = 'default' | 'success' | 'warning' | 'error' | 'info'

export const PHASE_TAGS: Record<Phase, TagType> = {
  'not-connected': 'default',
  launching: 'info',
  verifying: 'info',
  connected: 'success',
  error: 'error',
  deleting: 'warning',
}

/** Outputs the Connected view lists first, in the order the enrollment forms ask for them. */
export const KEY_OUTPUTS = ['PartnerRoleArn', 'QueueArn', 'QueueUrl', 'CasBucketName', 'CasTopicArn', 'SddsBucketArn', 'SddsKeyArn', 'SddsTopicArn']

export function emptyForm(stackName = ''): LaunchForm {
  return { stackName, partnerAccountId: '', externalId: '', reportUrl: '', leastPrivilege: false, casBucketName: '', sddsBucketName: '', acknowledged: false }
}

/** The form as Launch receives it: text fields without surrounding spaces. */
export function trimForm(f: LaunchForm): LaunchForm {
  return {
    stackName: f.stackName.trim(),
    partnerAccountId: f.partnerAccountId.trim(),
    externalId: f.externalId.trim(),
    reportUrl: f.reportUrl.trim(),
    leastPrivilege: f.leastPrivilege,
    casBucketName: f.casBucketName.trim(),
    sddsBucketName: f.sddsBucketName.trim(),
    acknowledged: f.acknowledged,
  }
}

/**
 * An RFC 3339 time as a comparable pair [epoch seconds, nanoseconds]: Go
 * sends nanoseconds, which Date.parse would cut to milliseconds.
 */
export function timeKey(iso: string): [number, number] | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/i.exec(iso)
  if (!m) {
    const t = Date.parse(iso)
    return Number.isNaN(t) ? null : [Math.floor(t / 1000), (t % 1000) * 1e6]
  }
  const secs = Date.parse(m[1]! + m[3]!)
  if (Number.isNaN(secs)) return null
  return [secs / 1000, Number((m[2] ?? '').padEnd(9, '0').slice(0, 9))]
}

/** -1, 0 or 1; null when either time is unknown. */
export function compareTimes(a: string, b: string): number | null {
  const ka = timeKey(a)
  const kb = timeKey(b)
  if (!ka || !kb) return null
  if (ka[0] !== kb[0]) return ka[0] < kb[0] ? -1 : 1
  if (ka[1] !== kb[1]) return ka[1] < kb[1] ? -1 : 1
  return 0
}

/**
 * How the incoming record's age compares with the one shown, when both are
 * the same stack of the same target: -1 older, 0 same, 1 newer; null when
 * they cannot be compared (another target, another stack, or no record).
 */
function age(incoming: StackRecord | null, current: StackRecord | null): number | null {
  if (!incoming || !current) return null
  if (incoming.targetKey !== current.targetKey || incoming.stackName !== current.stackName) return null
  return compareTimes(incoming.updatedAt, current.updatedAt)
}

export function isFailedStatus(status: string): boolean {
  return /FAILED$/.test(status)
}

export const useOnboardingStore = defineStore('onboarding', () => {
  const view = ref<StackView | null>(null)
  const loadError = ref<string | null>(null)
  const busy = reactive<Record<StackAction, boolean>>({ launch: false, follow: false, retry: false, delete: false, preview: false, update: false, recheck: false, drift: false, restore: false })
  /** The last call that failed, with the Go error text as-is. */
  const actionError = ref<{ action: StackAction; message: string; error: ErrorView } | null>(null)

  const panel = ref<Panel>('closed')
  const form = ref<LaunchForm>(emptyForm())
  const confirmingDelete = ref(false)
  const preview = ref<ChangePreview | null>(null)
  /** Set while the launch form is open for a Retry: the failure and the field it points at. */
  const retrying = ref<{ problem: string; field: string } | null>(null)

  let eventSeq = 0
  let unsubscribe: (() => void) | null = null

  // --- getters ---
  const loaded = computed(() => view.value !== null)
  const record = computed(() => view.value?.record ?? null)
  const phase = computed<Phase>(() => record.value?.phase ?? 'not-connected')
  const phaseLabel = computed(() => {
    if (phase.value === 'launching' && record.value?.operation === 'update') return 'Updating'
    return PHASE_LABELS[phase.value]
  })
  const phaseTag = computed<TagType>(() => PHASE_TAGS[phase.value])
  /** The last drift detection of the stack (null: not checked yet). */
  const drift = computed(() => record.value?.drift ?? null)
  /** The drift detection under way, or its last problem. */
  const driftState = computed(() => view.value?.drift ?? null)
  /** Drift is shown for a stack whose operation has ended. */
  const driftShown = computed(() => phase.value === 'connected' || phase.value === 'error')
  /** A stack operation is under way in AWS. */
  const running = computed(() => phase.value === 'launching' || phase.value === 'verifying' || phase.value === 'deleting')
  /** A call to the Go side is in flight. */
  const calling = computed(() => Object.values(busy).some(Boolean))
  const progress = computed(() => {
    const r = record.value
    const total = r?.total ?? 0
    const done = Math.min(r?.done ?? 0, total || (r?.done ?? 0))
    return { done, total, percent: total > 0 ? Math.round((done / total) * 100) : 0 }
  })
  const events = computed<StackEvent[]>(() => record.value?.events ?? [])
  const latestEvent = computed<StackEvent | null>(() => events.value.at(-1) ?? null)
  const roleArn = computed(() => record.value?.outputs.PartnerRoleArn ?? '')
  const needsUpdate = computed(() => Boolean(view.value?.needsUpdate))
  const canDelete = computed(() => record.value !== null && phase.value !== 'not-connected' && phase.value !== 'deleting')
  /** A launch was refused because the stack is already in progress: it can be followed instead. */
  const followable = computed(() => (view.value?.existing?.inProgress ? view.value.existing : null))

  // --- state from the Go side ---

  /** Events are applied unless they carry an older state of the stack shown. */
  function applyEvent(v: StackView) {
    eventSeq++
    const a = age(v.record, record.value)
    if (a !== null && a < 0) return
    view.value = v
    loadError.value = null
  }

  /**
   * A call's result is applied unless an event arrived while the call ran
   * and the result is not strictly newer than what that event brought.
   */
  async function applyResult(call: Promise<StackView>): Promise<StackView> {
    const seq = eventSeq
    const v = await call
    const a = age(v.record, record.value)
    if (seq === eventSeq ? a === null || a >= 0 : a !== null && a > 0) {
      view.value = v
      loadError.value = null
    }
    return v
  }

  function subscribe() {
    if (!unsubscribe) unsubscribe = onOnboardingChanged(applyEvent)
  }

  function unsubscribeAll() {
    unsubscribe?.()
    unsubscribe = null
  }

  /** `boot`, the state written into the page, is shown before the first await. */
  async function init(boot?: StackView) {
    subscribe()
    if (boot) applyEvent(boot)
    try {
      await applyResult(backend.onboardingState())
    } catch (e) {
      loadError.value = `SellerDesk could not read the onboarding state: ${backend.errorMessage(e)}`
    }
  }

  async function run<T>(action: StackAction, call: () => Promise<T>): Promise<T | undefined> {
    if (busy[action]) return undefined
    busy[action] = true
    if (actionError.value?.action === action) actionError.value = null
    try {
      return await call()
    } catch (e) {
      actionError.value = { action, message: backend.errorMessage(e), error: backend.toErrorView(e) }
      return undefined
    } finally {
      busy[action] = false
    }
  }

  // --- actions ---

  /** Creates the stack from the form (deleting the failed one first when retrying); true when it started. */
  async function launch(f: LaunchForm = form.value): Promise<boolean> {
    const call = retrying.value ? () => backend.retryStack(trimForm(f)) : () => backend.launchStack(trimForm(f))
    const v = await run('launch', () => applyResult(call()))
    if (!v) return false
    retrying.value = null
    panel.value = 'details'
    return true
  }

  /** Follows the stack a launch was refused for; true when the watch started. */
  async function follow(): Promise<boolean> {
    const v = await run('follow', () => applyResult(backend.followStack(followable.value?.stackName ?? '')))
    if (!v) return false
    if (actionError.value?.action === 'launch') actionError.value = null
    panel.value = 'details'
    return true
  }

  /**
   * Opens the launch form with the failed attempt's values and what its
   * failure points at; Create there deletes the failed stack and launches
   * again with what the user changed.
   */
  async function retry(): Promise<boolean> {
    const rf = await run('retry', () => backend.retryForm())
    if (!rf) return false
    form.value = rf.form
    retrying.value = { problem: rf.problem, field: rf.field }
    if (actionError.value?.action === 'launch') actionError.value = null
    panel.value = 'launch'
    return true
  }

  function askDelete() {
    if (canDelete.value) confirmingDelete.value = true
  }

  function cancelDelete() {
    confirmingDelete.value = false
  }

  async function confirmDelete(): Promise<boolean> {
    const ok = (await run('delete', () => applyResult(backend.deleteStack()))) !== undefined
    confirmingDelete.value = false
    return ok
  }

  /** Prepares the update's change set and opens its preview. */
  async function previewUpdate(): Promise<boolean> {
    const p = await run('preview', () => backend.previewUpdate())
    if (!p) return false
    preview.value = p
    return true
  }

  function closePreview() {
    preview.value = null
  }

  async function runUpdate(): Promise<boolean> {
    const p = preview.value
    if (!p) return false
    const ok = (await run('update', () => applyResult(backend.executeUpdate(p.changeSetId)))) !== undefined
    if (ok) preview.value = null
    return ok
  }

  async function recheck(): Promise<boolean> {
    return (await run('recheck', () => applyResult(backend.recheckStack()))) !== undefined
  }

  /** Starts CloudFormation's drift detection; the result arrives with onboarding:changed. */
  async function checkDrift(): Promise<boolean> {
    return (await run('drift', () => applyResult(backend.checkDrift()))) !== undefined
  }

  /** Update for a drifted stack: writes the template's values back, then checks again. */
  async function restoreDrift(): Promise<boolean> {
    return (await run('restore', () => applyResult(backend.restoreDrift()))) !== undefined
  }

  function dismissError() {
    actionError.value = null
  }

  // --- the drawer ---

  /** Opens the launch form (a fresh form unless one is being filled in). */
  function openLaunch() {
    if (actionError.value?.action === 'launch') actionError.value = null
    panel.value = 'launch'
  }

  function openDetails() {
    panel.value = 'details'
  }

  function closePanel() {
    panel.value = 'closed'
    if (retrying.value) {
      // A retry abandoned: the next launch form starts fresh.
      retrying.value = null
      form.value = emptyForm()
    }
  }

  function resetForm(stackName = '') {
    form.value = emptyForm(stackName)
  }

  return {
    view, loadError, busy, actionError, panel, form, confirmingDelete, preview, retrying,
    loaded, record, phase, phaseLabel, phaseTag, drift, driftState, driftShown, running, calling, progress, events, latestEvent, roleArn, needsUpdate, canDelete, followable,
    applyEvent, applyResult, subscribe, unsubscribeAll, init,
    launch, follow, retry, askDelete, cancelDelete, confirmDelete, previewUpdate, closePreview, runUpdate, recheck, checkDrift, restoreDrift, dismissError,
    openLaunch, openDetails, closePanel, resetForm,
  }
})
