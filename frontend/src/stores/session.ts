// The session store: where the app talks to (target), who it is (identity),
// what went wrong (error), and the sign-in prompts (MFA, SSO) in flight.
// The Go Session service owns the truth; this store mirrors it from
// session:changed events and from the results of calls.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as backend from '@/api/backend'
import type { ConnectionState, ErrorKind, ErrorView, MFAPrompt, ProfileView, ScenarioView, SSODeviceCode, SSOResult } from '@/api/backend'
import { onMfaClosed, onMfaPrompt, onSessionChanged, onSsoDeviceCode, onSsoDone } from '@/api/events'

export const MFA_CODE = /^[0-9]{6}$/

/** Key of a target in the picker: "sandbox:fresh" or "profile:dev". */
export type TargetKey = `${'sandbox' | 'profile'}:${string}`

export function targetKey(kind: string, name: string): TargetKey {
  return `${kind === 'sandbox' ? 'sandbox' : 'profile'}:${name}`
}

export function parseTargetKey(key: string): { kind: 'sandbox' | 'profile'; name: string } | null {
  const i = key.indexOf(':')
  const kind = key.slice(0, i)
  if (i < 0 || (kind !== 'sandbox' && kind !== 'profile')) return null
  return { kind, name: key.slice(i + 1) }
}

/** How sure the header can be of the identity it shows. */
export type IdentityStatus = 'none' | 'verified' | 'checking' | 'unverified'

export interface SSOSignIn {
  profile: string
  device: SSODeviceCode | null
  hidden: boolean
}

function failure(kind: ErrorKind, message: string, next: string): ErrorView {
  return { kind, message, next }
}

/** A rejected call as an alert: what was being done, then the Go side's words, its next step (else fallbackNext), code and request ID. */
function failed(doing: string, e: unknown, fallbackNext: string, kind: ErrorKind = 'other'): ErrorView {
  const v = backend.toErrorView(e)
  return { ...v, kind: v.kind === 'other' ? kind : v.kind, message: `${doing}: ${v.message}`, next: v.next || fallbackNext }
}

export const useSessionStore = defineStore('session', () => {
  const conn = ref<ConnectionState | null>(null)
  const profiles = ref<ProfileView[]>([])
  const scenarios = ref<ScenarioView[]>([])
  const profilesError = ref<string | null>(null)
  /** A call that failed outright (as opposed to conn.error, the target's state). */
  const actionError = ref<ErrorView | null>(null)
  const switchingTo = ref<TargetKey | null>(null)
  const refreshing = ref(false)
  const mfaQueue = ref<MFAPrompt[]>([])
  const mfaError = ref<string | null>(null)
  const mfaSubmitting = ref(false)
  const sso = ref<SSOSignIn | null>(null)

  // Events and call results both carry the state. A result is applied only if
  // no event arrived while the call ran: the event is then at least as new.
  let eventSeq = 0
  let unsubscribe: Array<() => void> = []

  // --- getters ---
  const loaded = computed(() => conn.value !== null)
  const target = computed(() => conn.value?.target ?? null)
  const identity = computed(() => conn.value?.identity ?? null)
  const error = computed(() => conn.value?.error ?? null)
  const busy = computed(() => Boolean(conn.value?.busy) || refreshing.value || switchingTo.value !== null)
  const isSandbox = computed(() => target.value?.kind === 'sandbox')
  const currentKey = computed<TargetKey | null>(() => (target.value ? targetKey(target.value.kind, target.value.name) : null))
  const identityStatus = computed<IdentityStatus>(() => {
    const id = identity.value
    if (!id) return 'none'
    if (!id.stale) return 'verified'
    // Stale: from the cache. Checking unless the last check already failed.
    return error.value && !busy.value ? 'unverified' : 'checking'
  })
  const windowTitle = computed(() => {
    const t = target.value
    if (!t) return 'SellerDesk'
    if (t.kind === 'sandbox') return `SellerDesk — Sandbox — offline (${t.name})`
    return `SellerDesk — profile ${t.name || 'default credentials'}`
  })
  /** The profile to sign in to when the error asks for an SSO sign-in. */
  const signInProfile = computed(() => (error.value?.kind === 'sso-login' && target.value?.kind === 'profile' ? target.value.name : null))
  const currentMfa = computed(() => mfaQueue.value[0] ?? null)

  // --- state from the Go side ---
  function applyEvent(st: ConnectionState) {
    eventSeq++
    conn.value = st
  }

  async function applyResult(call: Promise<ConnectionState>): Promise<ConnectionState> {
    const seq = eventSeq
    const st = await call
    if (seq === eventSeq) conn.value = st
    return st
  }

  function subscribe() {
    if (unsubscribe.length) return
    unsubscribe = [
      onSessionChanged(applyEvent),
      onMfaPrompt(queueMfa),
      onMfaClosed(dropMfa),
      onSsoDeviceCode(showDeviceCode),
      onSsoDone(finishSignIn),
    ]
  }

  function unsubscribeAll() {
    unsubscribe.forEach((off) => off())
    unsubscribe = []
  }

  /**
   * Loads the cached state at once, then re-verifies a stale identity in the
   * background. `boot` (written into the page by the Go side) is shown
   * before the first await, so the first render already has it.
   */
  async function init(boot?: ConnectionState) {
    subscribe()
    if (boot) applyEvent(boot)
    // The state first: the tiles wait for it, the target list does not.
    const state = (async () => backend.getState())()
    void loadTargets()
    let st: ConnectionState
    try {
      st = await applyResult(state)
    } catch (e) {
      st = {
        target: null,
        identity: null,
        busy: false,
        error: failed('SellerDesk could not read its session state', e,
          'Restart SellerDesk. If it happens again, send the log file (About, F1) to support.'),
      }
      conn.value = st
      return
    }
    if (st.target && (!st.identity || st.identity.stale) && !st.busy) void refresh()
  }

  async function loadTargets() {
    const [sc, pr] = await Promise.allSettled([backend.listScenarios(), backend.listProfiles()])
    if (sc.status === 'fulfilled') scenarios.value = sc.value
    if (pr.status === 'fulfilled') {
      profiles.value = pr.value
      profilesError.value = null
    } else {
      profilesError.value = backend.errorMessage(pr.reason)
    }
  }

  async function refresh() {
    if (refreshing.value) return
    refreshing.value = true
    try {
      await applyResult(backend.refreshIdentity())
    } catch (e) {
      actionError.value = failed('Could not re-check the identity', e, 'Try again. The log file has details.')
    } finally {
      refreshing.value = false
    }
  }

  // --- Reset of a sandbox scenario (asks first: it removes what the user did) ---
  const confirmingReset = ref(false)
  const resetting = ref(false)

  function askReset() {
    if (isSandbox.value) confirmingReset.value = true
  }

  function cancelReset() {
    confirmingReset.value = false
  }

  /** Restores the scenario's built-in state; the window reloads what it shows for it. */
  async function resetScenario(): Promise<boolean> {
    if (resetting.value) return false
    resetting.value = true
    try {
      await applyResult(backend.resetScenario())
      return true
    } catch (e) {
      actionError.value = failure('other', `Could not reset the scenario: ${backend.errorMessage(e)}`, 'Try again. The log file has details.')
      return false
    } finally {
      resetting.value = false
      confirmingReset.value = false
    }
  }

  /** One click in the picker: switch and verify. */
  async function switchTo(key: string) {
    const t = parseTargetKey(key)
    if (!t || (key === currentKey.value && !error.value)) return
    switchingTo.value = key as TargetKey
    actionError.value = null
    try {
      await applyResult(t.kind === 'sandbox' ? backend.useSandbox(t.name) : backend.useProfile(t.name))
    } catch (e) {
      actionError.value = failed(`Could not switch to ${t.kind === 'sandbox' ? 'the sandbox' : `profile ${t.name}`}`, e,
        'Try again, or pick another target. The log file has details.')
    } finally {
      switchingTo.value = null
    }
  }

  function dismissActionError() {
    actionError.value = null
  }

  // --- MFA: prompts queue up and are answered one at a time ---
  function queueMfa(p: MFAPrompt) {
    if (mfaQueue.value.some((q) => q.requestId === p.requestId)) return
    mfaQueue.value.push(p)
  }

  function nextMfa() {
    mfaQueue.value.shift()
    mfaError.value = null
  }

  /** The Go side closed a prompt: drop it wherever it is in the queue. */
  function dropMfa(requestId: string) {
    const i = mfaQueue.value.findIndex((q) => q.requestId === requestId)
    if (i < 0) return
    mfaQueue.value.splice(i, 1)
    if (i === 0) mfaError.value = null
  }

  /** Returns whether the code was accepted for sending. */
  async function submitMfa(code: string): Promise<boolean> {
    const p = currentMfa.value
    if (!p || mfaSubmitting.value) return false
    if (!MFA_CODE.test(code)) {
      mfaError.value = 'Enter the 6 digits your authenticator shows.'
      return false
    }
    mfaSubmitting.value = true
    try {
      await backend.submitMfaCode(p.requestId, code)
      nextMfa()
      return true
    } catch (e) {
      const msg = backend.errorMessage(e)
      if (/no MFA prompt/i.test(msg)) {
        // It timed out on the Go side: nothing is waiting for this code.
        nextMfa()
        actionError.value = failure('other', msg, 'Refresh to be asked for a new code.')
      } else {
        mfaError.value = msg
      }
      return false
    } finally {
      mfaSubmitting.value = false
    }
  }

  async function cancelMfa() {
    const p = currentMfa.value
    if (!p) return
    nextMfa()
    try {
      await backend.cancelMfa(p.requestId)
    } catch {
      // Already gone on the Go side (timed out): nothing left to cancel.
    }
  }

  // --- SSO sign-in ---
  async function signIn(profile: string) {
    sso.value = { profile, device: null, hidden: false }
    actionError.value = null
    try {
      await backend.ssoLogin(profile)
    } catch (e) {
      sso.value = null
      actionError.value = failed(`Could not start the sign-in for ${profile}`, e,
        'Check the profile’s sso_start_url and sso_region in your AWS config file.', 'sso-login')
    }
  }

  function showDeviceCode(dc: SSODeviceCode) {
    if (sso.value && sso.value.profile === dc.profile) sso.value.device = dc
    else sso.value = { profile: dc.profile, device: dc, hidden: false }
  }

  function finishSignIn(r: SSOResult) {
    sso.value = null
    if (!r.ok) {
      actionError.value = r.error ?? failure('sso-login', `The sign-in for ${r.profile} did not finish.`, 'Choose “Sign in” to try again.')
    }
  }

  function hideSignIn() {
    if (sso.value) sso.value.hidden = true
  }

  return {
    conn, profiles, scenarios, profilesError, actionError, switchingTo, refreshing, mfaQueue, mfaError, mfaSubmitting, sso,
    loaded, target, identity, error, busy, isSandbox, currentKey, identityStatus, windowTitle, signInProfile, currentMfa,
    init, subscribe, unsubscribeAll, applyEvent, loadTargets, refresh, switchTo, dismissActionError,
    confirmingReset, resetting, askReset, cancelReset, resetScenario,
    queueMfa, dropMfa, submitMfa, cancelMfa, signIn, showDeviceCode, finishSignIn, hideSignIn,
  }
})
