// Test doubles for the two seam modules (src/api/backend.ts, src/api/events.ts).
// Use in a test file:
//   vi.mock('@/api/backend', async () => (await import('@/test/seam')).backendModule())
//   vi.mock('@/api/events', async () => (await import('@/test/seam')).eventsModule())
import { vi } from 'vitest'
import {
  errorMessage,
  type AppInfo,
  type ConnectionState,
  type MFAPrompt,
  type Notice,
  type ProfileView,
  type ScenarioView,
  type SSODeviceCode,
  type SSOResult,
} from '@/api/types'

type Listener = (payload: never) => void
const listeners = new Map<string, Set<Listener>>()

function listen<T>(name: string) {
  return (cb: (p: T) => void) => {
    const set = listeners.get(name) ?? new Set<Listener>()
    listeners.set(name, set)
    set.add(cb as Listener)
    return () => set.delete(cb as Listener)
  }
}

export const backend = {
  getState: vi.fn<() => Promise<ConnectionState>>(),
  listProfiles: vi.fn<() => Promise<ProfileView[]>>(),
  listScenarios: vi.fn<() => Promise<ScenarioView[]>>(),
  useSandbox: vi.fn<(name: string) => Promise<ConnectionState>>(),
  useProfile: vi.fn<(name: string) => Promise<ConnectionState>>(),
  refreshIdentity: vi.fn<() => Promise<ConnectionState>>(),
  submitMfaCode: vi.fn<(id: string, code: string) => Promise<void>>(),
  cancelMfa: vi.fn<(id: string) => Promise<void>>(),
  ssoLogin: vi.fn<(profile: string) => Promise<void>>(),
  about: vi.fn<() => Promise<AppInfo>>(),
  notices: vi.fn<() => Promise<Notice[]>>(),
  ready: vi.fn<(ms: number) => Promise<void>>(),
}

export const events = {
  onSessionChanged: vi.fn(listen<ConnectionState>('session:changed')),
  onMfaPrompt: vi.fn(listen<MFAPrompt>('mfa:prompt')),
  onSsoDeviceCode: vi.fn(listen<SSODeviceCode>('sso:device-code')),
  onSsoDone: vi.fn(listen<SSOResult>('sso:done')),
  setWindowTitle: vi.fn<(title: string) => void>(),
  openURL: vi.fn<(url: string) => void>(),
  copyText: vi.fn<(text: string) => Promise<boolean>>(),
}

export function backendModule() {
  return { ...backend, errorMessage }
}

export function eventsModule() {
  return {
    ...events,
    EventSessionChanged: 'session:changed',
    EventMFAPrompt: 'mfa:prompt',
    EventSSODeviceCode: 'sso:device-code',
    EventSSODone: 'sso:done',
  }
}

/** Delivers an event as the Go side would emit it. */
export function emit(name: 'session:changed', payload: ConnectionState): void
export function emit(name: 'mfa:prompt', payload: MFAPrompt): void
export function emit(name: 'sso:device-code', payload: SSODeviceCode): void
export function emit(name: 'sso:done', payload: SSOResult): void
export function emit(name: string, payload: unknown): void {
  listeners.get(name)?.forEach((l) => (l as (p: unknown) => void)(payload))
}

export function listenerCount(name: string): number {
  return listeners.get(name)?.size ?? 0
}

// --- fixtures ---

export const identity = {
  account: '123456789012',
  arn: 'arn:aws:iam::123456789012:user/alice',
  userId: 'AIDAEXAMPLE',
  region: 'us-east-1',
  profile: '',
  checkedAt: '2026-01-01T10:00:00Z',
  stale: false,
}

export function sandboxState(over: Partial<ConnectionState> = {}): ConnectionState {
  return {
    target: { kind: 'sandbox', name: 'fresh', region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', label: 'Sandbox — offline (fresh)' },
    identity: { ...identity },
    error: null,
    busy: false,
    ...over,
  }
}

export function profileState(name: string, over: Partial<ConnectionState> = {}): ConnectionState {
  return {
    target: { kind: 'profile', name, region: 'eu-west-1', endpoint: '', label: `Profile ${name}` },
    identity: { ...identity, profile: name, region: 'eu-west-1' },
    error: null,
    busy: false,
    ...over,
  }
}

export const scenarios: ScenarioView[] = [
  { name: 'fresh', description: 'A new AWS account that is a registered seller, nothing set up yet.' },
  { name: 'not-seller', description: 'An account that is not registered as a seller.' },
]

export const profiles: ProfileView[] = [
  { name: 'dev', kind: 'static', region: 'us-east-1', sources: ['credentials'], problem: '' },
  { name: 'corp-sso', kind: 'sso', region: 'eu-west-1', sources: ['config'], problem: '' },
  { name: 'broken', kind: 'assume-role', region: '', sources: ['config'], problem: 'source_profile "nope" does not exist' },
]

/** Resets every double to a working sandbox backend. */
export function resetSeam(state: ConnectionState = sandboxState()): void {
  listeners.clear()
  for (const fn of Object.values(backend)) fn.mockReset()
  for (const fn of Object.values(events)) fn.mockClear()
  backend.getState.mockResolvedValue(state)
  backend.listProfiles.mockResolvedValue(profiles)
  backend.listScenarios.mockResolvedValue(scenarios)
  backend.useSandbox.mockImplementation(async (name) => sandboxState({ target: { ...sandboxState().target!, name } }))
  backend.useProfile.mockImplementation(async (name) => profileState(name))
  backend.refreshIdentity.mockImplementation(async () => ({ ...state, identity: state.identity && { ...state.identity, stale: false } }))
  backend.submitMfaCode.mockResolvedValue(undefined)
  backend.cancelMfa.mockResolvedValue(undefined)
  backend.ssoLogin.mockResolvedValue(undefined)
  backend.about.mockResolvedValue({
    name: 'SellerDesk', version: '0.1.0-test', goVersion: 'go1.25.0', platform: 'linux/amd64',
    dataDir: '/home/u/.config/SellerDesk', stateFile: '/home/u/.config/SellerDesk/state.db', logFile: '/home/u/.config/SellerDesk/sellerdesk.log',
  })
  backend.notices.mockResolvedValue([])
  backend.ready.mockResolvedValue(undefined)
  events.copyText.mockResolvedValue(true)
}
