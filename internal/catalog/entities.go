package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog"
	"github.com/aws/aws-sdk-go-v2/service/marketplacecatalog/types"

	"go.etcd.io/bbolt"

	"github.com/sellerdesk/sellerdesk/internal/store"
)

// EntityTypes are the seller entity types SellerDesk lists.
var EntityTypes = []string{"SaaSProduct", "AmiProduct", "ContainerProduct", "DataProduct", "Offer", "ResaleAuthorization", "Experience"}

// EntitySummary is the cached part of a ListEntities summary.
type EntitySummary struct {
	Type         string `json:"type"`
	ID           string `json:"id"`
	ARN          string `json:"arn"`
	Name         string `json:"name"`
	Visibility   string `json:"visibility"`
	LastModified string `json:"lastModified"` // ISO 8601, as AWS sends it
}

// Cache layout in store.BucketCatalogEntities, under the scope set by
// WithScope (the connection target, so two accounts never mix):
//
//	<scope>/entity/<type>/<id>  EntitySummary
//	<scope>/hwm/<type>          newest LastModifiedDate of the last complete pass
func entityPrefix(scope, typ string) string  { return scoped(scope, "entity/"+typ+"/") }
func entityKey(scope, typ, id string) string { return entityPrefix(scope, typ) + id }
func hwmKey(scope, typ string) string        { return scoped(scope, "hwm/"+typ) }
func scoped(scope, key string) string {
	if scope == "" {
		return key
	}
	return scope + "/" + key
}

// WithScope keeps the entity cache of one connection target apart from the
// others' (e.g. "profile:prod", "sandbox:connected").
func WithScope(scope string) Option { return func(c *runConfig) { c.scope = scope } }

// List returns the cached entities of types (EntityTypes when empty),
// after refreshing the cache from ListEntities (paced under its 10 req/s
// quota by the client). The first pass for a type reads every page; later passes sort by
// LastModifiedDate DESCENDING and stop at the first entity older than the
// high-water mark of the last complete pass. Entities exactly at the mark
// are read again: LastModifiedDate has one-second resolution, so another
// change in that same second would otherwise be missed. The mark only moves
// after a complete pass, so an interrupted refresh is redone, not lost.
// Incremental passes cannot see deleted entities; use WithFullRefresh.
func List(ctx context.Context, client *Client, entityTypes []string, cache *store.Store, opts ...Option) ([]EntitySummary, error) {
	c := runOptions(opts)
	if len(entityTypes) == 0 {
		entityTypes = EntityTypes
	}
	for _, typ := range entityTypes {
		if err := refresh(ctx, client, typ, cache, c); err != nil {
			return nil, err
		}
	}
	return Cached(ctx, cache, entityTypes, opts...)
}

// Cached returns the entities of types (EntityTypes when empty) as last
// cached, without calling AWS: what the window shows at once, offline too.
func Cached(ctx context.Context, cache *store.Store, entityTypes []string, opts ...Option) ([]EntitySummary, error) {
	c := runOptions(opts)
	if len(entityTypes) == 0 {
		entityTypes = EntityTypes
	}
	var out []EntitySummary
	for _, typ := range entityTypes {
		err := cache.List(ctx, store.BucketCatalogEntities, entityPrefix(c.scope, typ), func(_ string, raw []byte) error {
			var e EntitySummary
			if err := json.Unmarshal(raw, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("catalog: read cached %s entities: %w", typ, err)
		}
	}
	return out, nil
}

// WithFullRefresh makes List ignore the high-water mark and drop cached
// entities that AWS no longer lists.
func WithFullRefresh() Option { return func(c *runConfig) { c.full = true } }

func refresh(ctx context.Context, client *Client, typ string, cache *store.Store, c runConfig) error {
	var hwm string
	if !c.full {
		if _, err := cache.Get(ctx, store.BucketCatalogEntities, hwmKey(c.scope, typ), &hwm); err != nil {
			return fmt.Errorf("catalog: read %s high-water mark: %w", typ, err)
		}
	}
	hwmT, hasMark := parseTime(hwm)
	newest := hwm
	seen := map[string]bool{}
	var token *string
	for {
		out, err := client.api.ListEntities(ctx, &marketplacecatalog.ListEntitiesInput{
			Catalog:    aws.String(catalogName),
			EntityType: aws.String(typ),
			MaxResults: aws.Int32(50),
			NextToken:  token,
			Sort:       &types.Sort{SortBy: aws.String("LastModifiedDate"), SortOrder: types.SortOrderDescending},
		})
		if err != nil {
			return fmt.Errorf("catalog: list %s entities: %w", typ, err)
		}
		// One transaction per page: a write per entity would cost an fsync
		// each, seconds for a few thousand entities.
		var page []EntitySummary
		older := false
		for _, s := range out.EntitySummaryList {
			e := EntitySummary{Type: typ, ID: aws.ToString(s.EntityId), ARN: aws.ToString(s.EntityArn),
				Name: aws.ToString(s.Name), Visibility: aws.ToString(s.Visibility), LastModified: aws.ToString(s.LastModifiedDate)}
			if t, ok := parseTime(e.LastModified); ok && hasMark && !c.full && t.Before(hwmT) {
				older = true
				break
			}
			if e.ID == "" {
				continue
			}
			page = append(page, e)
			seen[e.ID] = true
			if t, ok := parseTime(e.LastModified); ok {
				if n, ok := parseTime(newest); !ok || t.After(n) {
					newest = e.LastModified
				}
			}
		}
		if len(page) > 0 {
			err := cache.Update(ctx, func(tx *bbolt.Tx) error {
				for _, e := range page {
					if err := store.PutTx(tx, store.BucketCatalogEntities, entityKey(c.scope, typ, e.ID), e); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("catalog: cache %s entities: %w", typ, err)
			}
		}
		token = out.NextToken
		if older || token == nil || *token == "" {
			break
		}
	}
	if c.full {
		var stale []string
		prefix := entityPrefix(c.scope, typ)
		err := cache.List(ctx, store.BucketCatalogEntities, prefix, func(key string, _ []byte) error {
			if !seen[strings.TrimPrefix(key, prefix)] {
				stale = append(stale, key)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("catalog: list cached %s: %w", typ, err)
		}
		if len(stale) > 0 {
			err := cache.Update(ctx, func(tx *bbolt.Tx) error {
				b := tx.Bucket([]byte(store.BucketCatalogEntities))
				for _, k := range stale {
					if err := b.Delete([]byte(k)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return fmt.Errorf("catalog: drop %d entities AWS no longer lists: %w", len(stale), err)
			}
		}
	}
	if newest != "" {
		if err := cache.Put(ctx, store.BucketCatalogEntities, hwmKey(c.scope, typ), newest); err != nil {
			return fmt.Errorf("catalog: save %s high-water mark: %w", typ, err)
		}
	}
	return nil
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
