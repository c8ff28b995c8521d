package awsconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	ssooidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// DeviceCode is what the user needs to approve an SSO sign-in in a browser.
type DeviceCode struct {
	VerificationURI         string
	VerificationURIComplete string // open this: the code is already filled in
	UserCode                string
	ExpiresAt               time.Time
}

// AWSCLIAvailable reports whether the aws command is on PATH.
func AWSCLIAvailable() bool {
	_, err := exec.LookPath("aws")
	return err == nil
}

const deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// pollUnit is one second of the OAuth polling interval (shortened by tests).
var pollUnit = time.Second

// SSODeviceLogin signs p in to IAM Identity Center with the OAuth device
// flow (what `aws sso login` does) and writes the token to the cache the
// AWS CLI and SDK read. cfg is the base config for the SSO OIDC client; its
// region is replaced by p.SSORegion and it may carry an endpoint override.
// show is called once with the code to display.
func SSODeviceLogin(ctx context.Context, p Profile, cfg aws.Config, show func(DeviceCode)) error {
	if p.SSOStartURL == "" || p.SSORegion == "" {
		return fmt.Errorf("AWS profile %q is not an SSO profile with sso_start_url and sso_region", p.Name)
	}
	c := cfg.Copy()
	c.Region = p.SSORegion
	c.Credentials = nil // the OIDC operations are unauthenticated
	client := ssooidc.NewFromConfig(c)

	reg := &ssooidc.RegisterClientInput{
		ClientName: aws.String("sellerdesk-" + strconv.FormatInt(nowFunc().Unix(), 10)),
		ClientType: aws.String("public"),
	}
	if p.SSOSession != "" {
		reg.Scopes = []string{"sso:account:access"}
	}
	regOut, err := client.RegisterClient(ctx, reg)
	if err != nil {
		return fmt.Errorf("SSO sign-in: registering the client: %w", err)
	}
	dev, err := client.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId:     regOut.ClientId,
		ClientSecret: regOut.ClientSecret,
		StartUrl:     aws.String(p.SSOStartURL),
	})
	if err != nil {
		return fmt.Errorf("SSO sign-in: starting device authorization: %w", err)
	}
	expiresIn := time.Duration(dev.ExpiresIn) * time.Second
	if expiresIn <= 0 {
		expiresIn = 10 * time.Minute
	}
	expiresAt := nowFunc().Add(expiresIn)
	if show != nil {
		show(DeviceCode{
			VerificationURI:         aws.ToString(dev.VerificationUri),
			VerificationURIComplete: aws.ToString(dev.VerificationUriComplete),
			UserCode:                aws.ToString(dev.UserCode),
			ExpiresAt:               expiresAt,
		})
	}

	interval := time.Duration(dev.Interval) * pollUnit
	if dev.Interval <= 0 {
		interval = 5 * pollUnit
	}
	pollCtx, cancel := context.WithTimeout(ctx, expiresIn)
	defer cancel()
	timer := time.NewTimer(interval)
	defer timer.Stop()
	for {
		select {
		case <-pollCtx.Done():
			if ctx.Err() != nil {
				return fmt.Errorf("SSO sign-in cancelled: %w", ctx.Err())
			}
			return errors.New("SSO sign-in: the code expired before the sign-in was approved; try again")
		case <-timer.C:
		}
		tok, err := client.CreateToken(pollCtx, &ssooidc.CreateTokenInput{
			ClientId:     regOut.ClientId,
			ClientSecret: regOut.ClientSecret,
			DeviceCode:   dev.DeviceCode,
			GrantType:    aws.String(deviceGrantType),
		})
		if err != nil {
			var pending *ssooidctypes.AuthorizationPendingException
			var slow *ssooidctypes.SlowDownException
			var expired *ssooidctypes.ExpiredTokenException
			var denied *ssooidctypes.AccessDeniedException
			switch {
			case errors.As(err, &pending):
				timer.Reset(interval)
				continue
			case errors.As(err, &slow):
				interval += 5 * pollUnit
				timer.Reset(interval)
				continue
			case errors.As(err, &expired):
				return errors.New("SSO sign-in: the code expired before the sign-in was approved (ExpiredTokenException); try again")
			case errors.As(err, &denied):
				return fmt.Errorf("SSO sign-in was denied (AccessDeniedException): %w", err)
			case ctx.Err() != nil:
				// The caller gave up while a poll was in flight.
				return fmt.Errorf("SSO sign-in cancelled: %w", ctx.Err())
			case pollCtx.Err() != nil:
				return errors.New("SSO sign-in: the code expired before the sign-in was approved; try again")
			}
			return fmt.Errorf("SSO sign-in: getting the token: %w", err)
		}

		now := nowFunc()
		ct := cachedToken{
			StartURL:     p.SSOStartURL,
			Region:       p.SSORegion,
			AccessToken:  aws.ToString(tok.AccessToken),
			ExpiresAt:    now.Add(time.Duration(tok.ExpiresIn) * time.Second).UTC().Format(time.RFC3339),
			RefreshToken: aws.ToString(tok.RefreshToken),
			ClientID:     aws.ToString(regOut.ClientId),
			ClientSecret: aws.ToString(regOut.ClientSecret),
		}
		if regOut.ClientSecretExpiresAt > 0 {
			ct.RegistrationExpiresAt = time.Unix(regOut.ClientSecretExpiresAt, 0).UTC().Format(time.RFC3339)
		}
		if ct.AccessToken == "" {
			return errors.New("SSO sign-in: the token response had no access token")
		}
		return writeSSOCache(ssoCacheKey(p), ct)
	}
}

// writeSSOCache writes the token file atomically (dir 0700, file 0600).
func writeSSOCache(key string, ct cachedToken) error {
	path, err := ssocreds.StandardCachedTokenFilepath(key)
	if err != nil {
		return fmt.Errorf("SSO sign-in: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("SSO sign-in: creating the token cache: %w", err)
	}
	data, err := json.Marshal(ct)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".sellerdesk-token-*")
	if err != nil {
		return fmt.Errorf("SSO sign-in: writing the token cache: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // no-op after a successful rename
	_ = tmp.Chmod(0o600)     // CreateTemp already uses 0600 on Unix
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("SSO sign-in: writing the token cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("SSO sign-in: writing the token cache: %w", err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("SSO sign-in: writing the token cache: %w", err)
	}
	return nil
}
