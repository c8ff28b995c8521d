package app

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/awserr"
	"github.com/sellerdesk/sellerdesk/internal/onboarding"
	"github.com/sellerdesk/sellerdesk/internal/onboarding/template"
	"github.com/sellerdesk/sellerdesk/internal/redact"
	"github.com/sellerdesk/sellerdesk/internal/session"
	"github.com/sellerdesk/sellerdesk/internal/store"
)

// EventOnboardingChanged carries the onboarding Record after every change.
const EventOnboardingChanged = "onboarding:changed"

// LaunchForm is what the review screen submits.
type LaunchForm struct {
	StackName        string `json:"stackName"`
	PartnerAccountID string `json:"partnerAccountId"`
	ExternalID       string `json:"externalId"`
	ReportURL        string `json:"reportUrl"`
	LeastPrivilege   bool   `json:"leastPrivilege"`
	// CasBucketName and SddsBucketName are optional (empty: CloudFormation
	// picks a name); the form shows them when a failure points at them.
	CasBucketName  string `json:"casBucketName"`
	SddsBucketName string `json:"sddsBucketName"`
	// Acknowledged: the user ticked "I acknowledge that this stack creates
	// IAM resources with custom names" (CAPABILITY_NAMED_IAM).
	Acknowledged bool `json:"acknowledged"`
}

func (f LaunchForm) params() template.Parameters {
	return template.Parameters{PartnerAccountID: strings.TrimSpace(f.PartnerAccountID), ExternalID: strings.TrimSpace(f.ExternalID),
		ReportURL: strings.TrimSpace(f.ReportURL), LeastPrivilege: f.LeastPrivilege,
		CasBucketName: strings.TrimSpace(f.CasBucketName), SddsBucketName: strings.TrimSpace(f.SddsBucketName)}
}

// FieldError is one inline validation message.
type FieldError struct {
	Field   string `json:"field"` // stackName, partnerAccountId, externalId, reportUrl, acknowledged
	Message string `json:"message"`
}

// Review is the plain-words review of what the stack will create, generated
// from the embedded template itself.
type Review struct {
	DefaultStackName string           `json:"defaultStackName"`
	Summary          template.Summary `json:"summary"`
}

// StackView is the onboarding state the window shows.
type StackView struct {
	Record      *onboarding.StackRecord `json:"record"` // nil: nothing launched for this target
	NeedsUpdate bool                    `json:"needsUpdate"`
	AppTemplate string                  `json:"appTemplate"` // the template version this app carries
	Watching    bool                    `json:"watching"`
	Error       *ErrorView              `json:"error"` // a problem following the stack
	// Existing is the stack a launch was refused for because it is already
	// there; when it is in progress, the window offers Follow.
	Existing *ExistingStack `json:"existing"`
	// Drift is the drift detection under way (app/drift.go); its last
	// result is Record.Drift.
	Drift DriftView `json:"drift"`
}

// ExistingStack is a stack of the name a launch asked for, already there.
type ExistingStack struct {
	StackName  string    `json:"stackName"`
	Status     string    `json:"status"`
	Since      time.Time `json:"since"`      // when its current operation began (zero: unknown)
	InProgress bool      `json:"inProgress"` // being created, updated or deleted: Follow it
}

// ChangePreview is an update's change set, shown before it runs.
type ChangePreview struct {
	ChangeSetID string         `json:"changeSetId"`
	Changes     []ResourceDiff `json:"changes"`
	FromVersion string         `json:"fromVersion"`
	ToVersion   string         `json:"toVersion"`
}

// ResourceDiff is one change of a change set.
type ResourceDiff struct {
	Action      string `json:"action"` // Add, Modify, Remove
	LogicalID   string `json:"logicalId"`
	Type        string `json:"type"`
	Replacement string `json:"replacement"`
}

// Onboarding is the bound service for the onboarding stack.
type Onboarding struct {
	life    *lifetime  // shared; stopped by Services.Close
	where   *targetNow // shared: the target the error words are for
	mgr     *session.Manager
	st      *store.Store
	p       Platform
	log     *slog.Logger
	polling onboarding.Polling

	// onSettled is told when a watch ends (the tiles refresh after a launch).
	onSettled func(rec onboarding.StackRecord)

	mu       sync.Mutex
	rec      *onboarding.StackRecord
	target   string
	cancel   context.CancelFunc
	watching bool
	watchErr error
	existing *ExistingStack
	drift    driftState
}

// NewOnboarding wires the service.
func NewOnboarding(mgr *session.Manager, st *store.Store, p Platform, log *slog.Logger, polling onboarding.Polling) *Onboarding {
	return &Onboarding{mgr: mgr, st: st, p: p, log: log, polling: polling}
}

// Review returns the plain-words review of the template, for the default
// parameters or, when form is given, for those.
func (o *Onboarding) Review(form LaunchForm) (Review, error) {
	p := form.params()
	sum, err := template.DescribeIn(p, o.launchPlace(form))
	if err != nil {
		return Review{}, err
	}
	return Review{DefaultStackName: onboarding.DefaultStackName, Summary: sum}, nil
}

// launchPlace is what the review can know of the launch: the current target's
// account (from the identity last verified) and region, and the stack name
// when the form's is valid.
func (o *Onboarding) launchPlace(form LaunchForm) template.Where {
	var w template.Where
	if name := strings.TrimSpace(form.StackName); template.ValidateStackName(name) == nil {
		w.StackName = name
	}
	if o.mgr == nil {
		return w
	}
	t, cfg, err := o.mgr.Current()
	if err != nil {
		return w
	}
	w.Region = cfg.Region
	ctx, cancel := context.WithTimeout(o.life.context(), 5*time.Second)
	defer cancel()
	if id, ok := o.mgr.CachedIdentity(ctx, t); ok {
		w.AccountID = id.Account
	}
	return w
}

// TemplateBody returns the template text, for "view template" and copying.
func (o *Onboarding) TemplateBody() string { return string(template.Body()) }

// Validate checks the form the way Launch will, for inline messages.
func (o *Onboarding) Validate(form LaunchForm) []FieldError {
	out := []FieldError{}
	if err := template.ValidateStackName(strings.TrimSpace(form.StackName)); err != nil {
		out = append(out, FieldError{Field: "stackName", Message: err.Error()})
	}
	var ve template.ValidationErrors
	if err := form.params().Validate(); errors.As(err, &ve) {
		for _, fe := range ve {
			out = append(out, FieldError{Field: formField(fe.Field), Message: fe.Message})
		}
	} else if err != nil {
		out = append(out, FieldError{Field: "", Message: err.Error()})
	}
	if !form.Acknowledged {
		out = append(out, FieldError{Field: "acknowledged", Message: "Tick the acknowledgement: this stack creates IAM roles and policies with custom names."})
	}
	return out
}

// formField maps template parameter fields to the form's JSON names.
func formField(f string) string {
	switch f {
	case "PartnerAccountID", "PartnerAccountId":
		return "partnerAccountId"
	case "ExternalID", "ExternalId":
		return "externalId"
	case "ReportURL", "ReportUrl":
		return "reportUrl"
	}
	if f == "" {
		return ""
	}
	return strings.ToLower(f[:1]) + f[1:]
}

// State returns the onboarding state of the current target from memory or
// the cache, without calling AWS.
func (o *Onboarding) State() StackView {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.viewLocked()
}

func (o *Onboarding) viewLocked() StackView {
	v := StackView{AppTemplate: template.Version, Watching: o.watching, Existing: o.existing}
	if o.rec != nil {
		r := redactRecord(*o.rec)
		v.Record = &r
		v.NeedsUpdate = r.NeedsUpdate()
	}
	if o.watchErr != nil {
		v.Error = explain(o.watchErr, o.where.options()...)
	}
	v.Drift = o.driftViewLocked()
	return v
}

// redactRecord returns r with its free text (status reason, check details:
// AWS error messages that may quote a signed request) redacted.
func redactRecord(r onboarding.StackRecord) onboarding.StackRecord {
	r.StatusReason = redact.String(r.StatusReason)
	if r.Previous != nil {
		p := redactRecord(*r.Previous)
		r.Previous = &p
	}
	if r.Checks != nil {
		checks := make([]onboarding.Check, len(r.Checks))
		for i, c := range r.Checks {
			c.Detail = redact.String(c.Detail)
			checks[i] = c
		}
		r.Checks = checks
	}
	return r
}

func (o *Onboarding) emit() {
	o.mu.Lock()
	v := o.viewLocked()
	o.mu.Unlock()
	o.p.Emit(EventOnboardingChanged, v)
}

// clients returns the CloudFormation and IAM clients of the current target.
func (o *Onboarding) clients() (string, *cloudformation.Client, *iam.Client, error) {
	t, cfg, err := o.mgr.Current()
	if err != nil {
		return "", nil, nil, err
	}
	return t.Key(), cloudformation.NewFromConfig(cfg), iam.NewFromConfig(cfg), nil
}

// targetChanged loads the record of the newly selected target and resumes
// its watch if an operation was under way.
func (o *Onboarding) targetChanged(ctx context.Context, t session.Target) {
	o.stopWatch()
	var rec *onboarding.StackRecord
	if o.st != nil {
		var r onboarding.StackRecord
		if ok, err := o.st.Get(ctx, store.BucketStacks, t.Key(), &r); err != nil {
			o.log.Warn("could not read the cached stack", "err", err)
		} else if ok {
			rec = &r
		}
	}
	o.mu.Lock()
	o.target, o.rec, o.watchErr, o.existing, o.drift = t.Key(), rec, nil, nil, driftState{}
	o.mu.Unlock()
	o.emit()
	if rec != nil && !rec.Terminal() {
		o.startWatch(*rec)
	}
	o.autoDrift(rec)
}

// forget drops what the cache knows of target key's stack (a sandbox
// scenario was reset: the stack it recorded is gone).
func (o *Onboarding) forget(ctx context.Context, key string) {
	if o.st != nil {
		if err := o.st.Delete(ctx, store.BucketStacks, key); err != nil {
			o.log.Warn("could not forget the cached stack", "err", err)
		}
	}
	o.mu.Lock()
	mine := o.target == key
	o.mu.Unlock()
	if mine {
		o.stopWatch()
		o.mu.Lock()
		o.rec, o.watchErr, o.existing = nil, nil, nil
		o.mu.Unlock()
		o.emit()
	}
}

// Launch creates the stack after validation and follows it.
func (o *Onboarding) Launch(form LaunchForm) (StackView, error) {
	return o.launch(form)
}

// launch creates the stack; prev is the failed attempt a Retry replaces,
// kept on the new record so its events stay readable.
func (o *Onboarding) launch(form LaunchForm) (StackView, error) {
	if errs := o.Validate(form); len(errs) > 0 {
		return o.State(), awserr.Invalid(errs[0].Field, errs[0].Message)
	}
	key, cfn, _, err := o.clients()
	if err != nil {
		return o.State(), err
	}
	ctx, cancel := context.WithTimeout(o.life.context(), time.Minute)
	defer cancel()
	rec, err := onboarding.Launch(ctx, cfn, key, strings.TrimSpace(form.StackName), form.params())
	err = o.started(ctx, rec, err) // before State: it records the stack found there
	return o.State(), err
}

// started takes the answer of a CreateStack (a launch or a retry's): a
// stack of that name already there is offered to Follow; a created one is
// saved and watched.
func (o *Onboarding) started(ctx context.Context, rec onboarding.StackRecord, err error) error {
	var exists *onboarding.StackExistsError
	if errors.As(err, &exists) {
		o.mu.Lock()
		o.existing = &ExistingStack{StackName: exists.Name, Status: exists.Status, Since: exists.Since, InProgress: exists.InProgress()}
		o.mu.Unlock()
		o.emit()
		if exists.InProgress() {
			return o.where.withNext(err, "Choose Follow to watch it here.")
		}
	}
	if err != nil {
		return o.launchError(err)
	}
	o.save(ctx, rec)
	o.mu.Lock()
	o.rec, o.watchErr, o.existing = &rec, nil, nil
	o.mu.Unlock()
	o.startWatch(rec)
	return nil
}

// Follow watches a stack that is already there (launched from the CLI,
// another machine or the console; or the one a launch was refused for) to
// the end of its operation, with the same watcher as a launch. An empty
// name follows the stack the last launch was refused for, else the
// default.
func (o *Onboarding) Follow(stackName string) (StackView, error) {
	stackName = strings.TrimSpace(stackName)
	o.mu.Lock()
	if stackName == "" && o.existing != nil {
		stackName = o.existing.StackName
	}
	o.mu.Unlock()
	if stackName == "" {
		stackName = onboarding.DefaultStackName
	}
	key, cfn, _, err := o.clients()
	if err != nil {
		return o.State(), err
	}
	ctx, cancel := context.WithTimeout(o.life.context(), time.Minute)
	defer cancel()
	rec, err := onboarding.Follow(ctx, cfn, key, stackName)
	if err != nil {
		return o.State(), o.where.classify(err)
	}
	o.save(ctx, rec)
	o.mu.Lock()
	o.rec, o.watchErr, o.existing = &rec, nil, nil
	o.mu.Unlock()
	o.startWatch(rec)
	return o.State(), nil
}

// launchError is a failed CreateStack, classified, with the next step for
// the launch form.
func (o *Onboarding) launchError(err error) error {
	e := awserr.Classify(err, o.where.options()...)
	var caps *cfntypes.InsufficientCapabilitiesException
	switch {
	case e.Kind == awserr.AccessDenied:
		return o.where.withNext(e, "Use a profile allowed to create CloudFormation stacks and IAM roles (for example an administrator), then try again. Nothing was created.")
	case errors.As(err, &caps):
		return o.where.withNext(e, "Tick the IAM acknowledgement (CAPABILITY_NAMED_IAM), then try again. Nothing was created.")
	}
	return e
}

// Retry deletes the failed stack, waits for the delete, and launches again
// with form: the window opens the launch form with the failed attempt's
// values (RetryForm), so the user can change what the failure points at.
// The failed attempt stays readable as the new record's Previous.
func (o *Onboarding) Retry(form LaunchForm) (StackView, error) {
	o.mu.Lock()
	rec := o.rec
	o.mu.Unlock()
	if rec == nil || rec.Phase != onboarding.PhaseError {
		return o.State(), errors.New("only a stack in Error can be retried")
	}
	if errs := o.Validate(form); len(errs) > 0 {
		return o.State(), awserr.Invalid(errs[0].Field, errs[0].Message)
	}
	_, cfn, iamc, err := o.clients()
	if err != nil {
		return o.State(), err
	}
	failed := *rec
	o.life.goWork(func() {
		// The delete can take minutes; the launch after it is one call.
		ctx, cancel := context.WithTimeout(o.life.context(), 30*time.Minute)
		defer cancel()
		next, err := onboarding.Retry(ctx, cfn, o.watcher(cfn, iamc), failed, strings.TrimSpace(form.StackName), form.params())
		if err = o.started(ctx, next, err); err != nil {
			o.fail(err)
		}
	})
	return o.State(), nil
}

// RetryForm is the launch form as the failed attempt was launched, for the
// window to open before a Retry; Field names the form field the failure
// points at ("" when none does).
func (o *Onboarding) RetryForm() (RetryForm, error) {
	o.mu.Lock()
	rec := o.rec
	o.mu.Unlock()
	if rec == nil || rec.Phase != onboarding.PhaseError {
		return RetryForm{}, errors.New("only a stack in Error can be retried")
	}
	p := rec.Params
	out := RetryForm{Form: LaunchForm{StackName: rec.StackName, PartnerAccountID: p.PartnerAccountID, ExternalID: p.ExternalID,
		ReportURL: p.ReportURL, LeastPrivilege: p.LeastPrivilege, CasBucketName: p.CasBucketName, SddsBucketName: p.SddsBucketName}}
	if f := rec.Failure; f != nil {
		out.Problem = redact.String(f.Plain)
		if out.Problem == "" {
			out.Problem = redact.String(f.Reason)
		}
		if param := template.NamedBy(f.LogicalID); param != "" {
			out.Field = formField(param)
		}
	}
	return out, nil
}

// RetryForm prefills the launch form for a Retry.
type RetryForm struct {
	Form    LaunchForm `json:"form"`
	Problem string     `json:"problem"` // the failure, in plain words
	Field   string     `json:"field"`   // the form field it points at, or ""
}

// Delete removes the stack (the window asks for confirmation first).
func (o *Onboarding) Delete() (StackView, error) {
	o.mu.Lock()
	rec := o.rec
	o.mu.Unlock()
	if rec == nil {
		return o.State(), errors.New("there is no onboarding stack to delete")
	}
	_, cfn, _, err := o.clients()
	if err != nil {
		return o.State(), err
	}
	o.stopWatch()
	ctx, cancel := context.WithTimeout(o.life.context(), time.Minute)
	defer cancel()
	next, err := onboarding.Delete(ctx, cfn, *rec)
	if err != nil {
		return o.State(), o.where.classify(err)
	}
	next.StartedAt = time.Now().UTC()
	o.save(ctx, next)
	o.mu.Lock()
	o.rec = &next
	o.mu.Unlock()
	o.startWatch(next)
	return o.State(), nil
}

func (o *Onboarding) fail(err error) {
	o.log.Warn("onboarding operation failed", "err", err)
	o.mu.Lock()
	o.watchErr = err
	o.mu.Unlock()
	o.emit()
}

func (o *Onboarding) watcher(cfn onboarding.CFN, iamc onboarding.IAM) *onboarding.Watcher {
	pol := o.polling
	if pol.Min == 0 {
		// Paced for the target by the session, which knows what it is.
		pol = onboarding.PollingFrom(o.mgr.PollInterval())
	}
	return &onboarding.Watcher{CFN: cfn, IAM: iamc, Polling: pol,
		Save: func(ctx context.Context, r onboarding.StackRecord) error { o.save(ctx, r); return nil },
		OnUpdate: func(r onboarding.StackRecord) {
			o.mu.Lock()
			if o.target == "" || o.target == r.TargetKey {
				o.rec = &r
			}
			o.mu.Unlock()
			o.emit()
		}}
}

// startWatch follows rec in the background until it settles.
func (o *Onboarding) startWatch(rec onboarding.StackRecord) {
	_, cfn, iamc, err := o.clients()
	if err != nil {
		o.fail(err)
		return
	}
	ctx, cancel := context.WithCancel(o.life.context())
	o.mu.Lock()
	if o.cancel != nil {
		o.cancel()
	}
	o.cancel, o.watching, o.watchErr = cancel, true, nil
	o.mu.Unlock()
	o.emit()
	o.life.goWork(func() {
		defer cancel()
		final, err := o.watcher(cfn, iamc).Watch(ctx, rec)
		var gone *onboarding.StackNotFoundError
		o.mu.Lock()
		o.watching = false
		switch {
		case errors.As(err, &gone):
			// Deleted outside SellerDesk (or a sandbox that restarted).
			final.Phase, final.Status = onboarding.PhaseNotConnected, "DELETE_COMPLETE"
			final.StatusReason = "The stack " + final.StackName + " no longer exists."
			o.rec = &final
		case err != nil && !errors.Is(err, context.Canceled):
			o.watchErr = err
		}
		o.mu.Unlock()
		if err == nil || gone != nil {
			o.save(o.life.context(), final)
		}
		o.emit()
		if err == nil && o.onSettled != nil {
			o.onSettled(final)
		}
		if err == nil {
			o.autoDrift(&final)
		}
	})
}

func (o *Onboarding) stopWatch() {
	o.mu.Lock()
	if o.cancel != nil {
		o.cancel()
		o.cancel = nil
	}
	o.watching = false
	o.mu.Unlock()
}

func (o *Onboarding) save(ctx context.Context, r onboarding.StackRecord) {
	if o.st == nil {
		return
	}
	if err := o.st.Put(ctx, store.BucketStacks, r.TargetKey, r); err != nil {
		o.log.Warn("could not cache the stack", "err", err)
	}
}

// PreviewUpdate creates a change set that moves the stack to the app's
// template and returns its changes without running it.
func (o *Onboarding) PreviewUpdate() (ChangePreview, error) {
	o.mu.Lock()
	rec := o.rec
	o.mu.Unlock()
	if rec == nil || rec.Phase != onboarding.PhaseConnected {
		return ChangePreview{}, errors.New("only a connected stack can be updated")
	}
	_, cfn, _, err := o.clients()
	if err != nil {
		return ChangePreview{}, err
	}
	ctx, cancel := context.WithTimeout(o.life.context(), 5*time.Minute)
	defer cancel()
	cs, err := onboarding.PrepareUpdate(ctx, cfn, *rec)
	if err != nil {
		return ChangePreview{}, o.where.classify(err)
	}
	out := ChangePreview{ChangeSetID: cs.ID, FromVersion: rec.TemplateVersion, ToVersion: template.Version, Changes: []ResourceDiff{}}
	for _, c := range cs.Changes {
		out.Changes = append(out.Changes, ResourceDiff{Action: c.Action, LogicalID: c.LogicalID, Type: c.Type, Replacement: c.Replacement})
	}
	return out, nil
}

// ExecuteUpdate runs a previewed change set and follows it.
func (o *Onboarding) ExecuteUpdate(changeSetID string) (StackView, error) {
	o.mu.Lock()
	rec := o.rec
	o.mu.Unlock()
	if rec == nil {
		return o.State(), errors.New("there is no onboarding stack to update")
	}
	_, cfn, _, err := o.clients()
	if err != nil {
		return o.State(), err
	}
	ctx, cancel := context.WithTimeout(o.life.context(), time.Minute)
	defer cancel()
	next, err := onboarding.ExecuteUpdate(ctx, cfn, *rec, changeSetID)
	if err != nil {
		return o.State(), o.where.classify(err)
	}
	o.save(ctx, next)
	o.mu.Lock()
	o.rec = &next
	o.mu.Unlock()
	o.startWatch(next)
	return o.State(), nil
}

// Recheck verifies the role of a connected stack again.
func (o *Onboarding) Recheck() (StackView, error) {
	o.mu.Lock()
	rec := o.rec
	o.mu.Unlock()
	if rec == nil || (rec.Phase != onboarding.PhaseConnected && rec.Phase != onboarding.PhaseError) || rec.Outputs == nil {
		return o.State(), nil
	}
	_, _, iamc, err := o.clients()
	if err != nil {
		return o.State(), err
	}
	ctx, cancel := context.WithTimeout(o.life.context(), time.Minute)
	defer cancel()
	next := onboarding.Reverify(ctx, iamc, *rec)
	o.save(ctx, next)
	o.mu.Lock()
	o.rec = &next
	o.mu.Unlock()
	o.emit()
	return o.State(), nil
}

// adopt takes a record re-verified elsewhere (the tiles' refresh) when it
// belongs to the current target and nothing is running.
func (o *Onboarding) adopt(ctx context.Context, r onboarding.StackRecord) {
	o.mu.Lock()
	if o.watching || (o.target != "" && r.TargetKey != "" && r.TargetKey != o.target) {
		o.mu.Unlock()
		return
	}
	if r.Drift == nil && o.rec != nil && o.rec.StackID == r.StackID && o.rec.Operation == r.Operation {
		r.Drift = o.rec.Drift // a copy read before the drift result was saved
	}
	o.rec = &r
	o.mu.Unlock()
	o.save(ctx, r)
	o.emit()
	o.autoDrift(&r)
}
