package cli

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/sellerdesk/sellerdesk/internal/policy"
	"github.com/sellerdesk/sellerdesk/internal/resale"
)

func runResaleRole(ctx context.Context, e *env, steps bool) error {
	if steps {
		for i, s := range policy.ResaleConsoleSteps() {
			fmt.Fprintf(e.Stdout, "%2d. %s\n", i+1, s)
		}
		return nil
	}
	m, err := e.connect(ctx)
	if err != nil {
		return err
	}
	defer m.Close()
	id, err := m.WhoAmI(ctx)
	if err != nil {
		return err
	}
	_, cfg, _ := m.Current()
	rep, err := resale.Ensure(ctx, iam.NewFromConfig(cfg), id.Account)
	if err != nil {
		return err
	}
	if e.g.JSON {
		return e.printJSON(rep)
	}
	for _, s := range rep.Steps {
		fmt.Fprintf(e.Stdout, "%-34s %s %s\n", s.Name, s.Action, s.Detail)
	}
	if rep.InPlace() {
		fmt.Fprintf(e.Stdout, "\nAlready in place: role %s with policy %s.\n", rep.RoleARN, rep.PolicyARN)
	} else {
		fmt.Fprintf(e.Stdout, "\nDone: role %s with policy %s.\n", rep.RoleARN, rep.PolicyARN)
	}
	return nil
}
