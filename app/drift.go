package app

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/sellerdesk/sellerdesk/internal/onboarding"
)

// DriftView is the drift detection under way (or its last problem) for the
// window; the last result itself is the record's Drift.
type DriftView struct {
	Checking bool `json:"checking"`
	// Restoring: Update is writing the template's values back.
	Restoring bool `json:"restoring"`
	// ElapsedSeconds of the detection under way.
	ElapsedSeconds int        `json:"elapsedSeconds"`
	Error          *ErrorView `json:"error"`
	// Restore is what the last Update wrote back and what it left.
	Restore *onboarding.RestoreResult `json:"restore"`
}

// driftState is the Onboarding service's drift bookkeeping (guarded by its mu).
type driftState struct {
	checking, restoring bool
	started             time.Time
	elapsed             time.Duration
	err                 error
	restore             *onboarding.RestoreResult
}

func (o *Onboarding) driftViewLocked() DriftView {
	d := o.drift
	v := DriftView{Checking: d.checking, Restoring: d.restoring, ElapsedSeconds: int(d.elapsed / time.Second), Restore: d.restore}
	if d.err != nil {
		v.Error = explain(d.err, o.where.options()...)
	}
	return v
}

// driftable reports why the current stack cannot be checked for drift ("" when it can).
func driftable(rec *onboarding.StackRecord) string {
	switch {
	case rec == nil:
		return "there is no onboarding stack to check"
	case rec.Phase != onboarding.PhaseConnected && rec.Phase != onboarding.PhaseError:
		return "the stack can be checked for drift once its operation has ended"
	case rec.Status != "CREATE_COMPLETE" && rec.Status != "UPDATE_COMPLETE" && rec.Status != "UPDATE_ROLLBACK_COMPLETE":
		return "a stack in " + rec.Status + " cannot be checked for drift"
	}
	return ""
}

// CheckDrift starts CloudFormation's drift detection on the stack and
// returns at once; the result arrives with onboarding:changed (the record's
// Drift, and the progress in the view's Drift).
func (o *Onboarding) CheckDrift() (StackView, error) { return o.startDrift(false) }

// RestoreDrift is the Role tile's Update for a drifted stack: it detects
// drift, writes the template's values back to the drifted policies with
// their own APIs (onboarding.Restore; an UpdateStack with the same template
// would be "No updates are to be performed" and leave the drift), and
// detects drift again.
func (o *Onboarding) RestoreDrift() (StackView, error) { return o.startDrift(true) }

// autoDrift checks a connected stack that was never checked for drift, so
// the Role tile says In sync or Drifted without being asked (once per
// stack: the result is cached with the record).
func (o *Onboarding) autoDrift(rec *onboarding.StackRecord) {
	if rec == nil || rec.Phase != onboarding.PhaseConnected || rec.Drift != nil || driftable(rec) != "" {
		return
	}
	o.mu.Lock()
	failed := o.drift.err != nil // an earlier try failed: Check drift retries, not every refresh
	o.mu.Unlock()
	if failed {
		return
	}
	if _, err := o.startDrift(false); err != nil {
		o.log.Debug("drift detection not started", "err", err)
	}
}

func (o *Onboarding) startDrift(restore bool) (StackView, error) {
	o.mu.Lock()
	rec := o.rec
	if why := driftable(rec); why != "" {
		o.mu.Unlock()
		return o.State(), errors.New(why)
	}
	if o.drift.checking || o.watching {
		o.mu.Unlock()
		return o.State(), nil // one at a time; the one under way reports
	}
	o.mu.Unlock()
	_, cfg, err := o.mgr.Current()
	if err != nil {
		return o.State(), err
	}
	cfn := cloudformation.NewFromConfig(cfg)
	o.mu.Lock()
	o.drift = driftState{checking: true, restoring: restore, started: time.Now()}
	target, stackName := rec.TargetKey, rec.StackName
	o.mu.Unlock()
	o.emit()
	started := o.life.goWork(func() {
		ctx, cancel := context.WithTimeout(o.life.context(), onboarding.DriftDeadline)
		defer cancel()
		progress := func(p onboarding.DriftProgress) {
			o.mu.Lock()
			o.drift.elapsed = p.Elapsed
			o.mu.Unlock()
			o.emit()
		}
		rep, err := onboarding.DetectDrift(ctx, cfn, stackName, progress)
		var res *onboarding.RestoreResult
		if err == nil && restore && rep.Drifted() {
			r, rerr := onboarding.Restore(ctx, onboarding.NewRestoreClients(cfg), rep)
			res, err = &r, rerr
			if err == nil {
				rep, err = onboarding.DetectDrift(ctx, cfn, stackName, progress)
			}
		}
		o.mu.Lock()
		o.drift = driftState{err: err, restore: res}
		var save *onboarding.StackRecord
		if err == nil && o.rec != nil && o.rec.TargetKey == target && o.rec.StackName == stackName {
			next := *o.rec
			next.Drift = &rep
			o.rec, save = &next, &next
		}
		o.mu.Unlock()
		if save != nil {
			o.save(o.life.context(), *save)
		}
		o.emit()
	})
	if !started {
		o.mu.Lock()
		o.drift = driftState{}
		o.mu.Unlock()
		return o.State(), errors.New("SellerDesk is closing")
	}
	return o.State(), nil
}
