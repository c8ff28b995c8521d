// The rejection of a bound call as the Go side sends it (app.Services.FormatError),
// and the one-line text of it; the kinds come from Go (errorKinds.ts).
import { describe, expect, it } from 'vitest'
import { errorKinds, errorMessage, errorReference, errorTitles, isErrorKind, toErrorView, type ErrorKind } from './types'

describe('error views', () => {
  it('reads the structured rejection of a bound call', () => {
    const v = toErrorView({ kind: 'unreachable', message: 'SellerDesk cannot reach AWS at sts.eu-west-1.amazonaws.com (the connection failed).',
      next: 'Check your network connection, VPN or proxy, then try again.', code: '', requestId: '', action: '', field: '' })
    expect(v).toEqual({ kind: 'unreachable', message: 'SellerDesk cannot reach AWS at sts.eu-west-1.amazonaws.com (the connection failed).',
      next: 'Check your network connection, VPN or proxy, then try again.' })
    expect(errorReference(v)).toBe('')
  })

  it('keeps AWS code and request ID', () => {
    const v = toErrorView({ kind: 'throttled', message: 'AWS is throttling requests.', next: 'Wait a minute, then try again.', code: 'ThrottlingException', requestId: 'r-9' })
    expect(v.code).toBe('ThrottlingException')
    expect(errorReference(v)).toBe('AWS code: ThrottlingException · Request ID: r-9')
    expect(errorMessage(v)).toBe('AWS is throttling requests. Wait a minute, then try again. (AWS code: ThrottlingException · Request ID: r-9)')
  })

  it('falls back for a plain string, an Error, and an unknown kind', () => {
    expect(toErrorView('no job ID given')).toEqual({ kind: 'other', message: 'no job ID given', next: '' })
    expect(toErrorView(new Error('boom'))).toEqual({ kind: 'other', message: 'boom', next: '' })
    expect(toErrorView({ kind: 'from-a-newer-build', message: 'm', next: 'n' }).kind).toBe('other')
    expect(errorMessage('no MFA prompt "x" is waiting')).toBe('no MFA prompt "x" is waiting')
    expect(errorMessage(42)).toBe('42')
  })

  it('the union and the titles cover every kind', () => {
    const all: ErrorKind[] = [...errorKinds]
    expect(all).toContain('access-denied')
    expect(all).toContain('other')
    for (const k of all) {
      expect(isErrorKind(k)).toBe(true)
      expect(errorTitles[k]).toBeTruthy()
    }
    expect(isErrorKind('denied')).toBe(false)
  })
})
