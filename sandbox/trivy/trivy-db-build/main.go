// trivy-db-build writes a Trivy vulnerability DB (schema 2: trivy.db and metadata.json) from the advisory
// records kept in sandbox/trivy/advisories.json. The public DB cannot be downloaded on these machines, so
// the sandbox makes its own in Trivy's format with trivy-db's own packages, the way Trivy's integration
// tests make their fixture DBs: the same buckets (data-source, "<ecosystem> <release>" or
// "<ecosystem>::<source>", vulnerability), so Trivy's detectors read it as they read the real one.
//
//	trivy-db-build ADVISORIES.json OUT_DIR
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/aquasecurity/trivy-db/pkg/db"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	"github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/bucket"
	"github.com/aquasecurity/trivy-db/pkg/vulnsrc/vulnerability"
	bolt "go.etcd.io/bbolt"
)

type file struct {
	// UpdatedAt is when the records were last checked against their sources; it becomes the DB's date.
	UpdatedAt  time.Time  `json:"updatedAt"`
	Advisories []advisory `json:"advisories"`
}

type advisory struct {
	ID string `json:"id"`
	// Ecosystem is "npm" (GitHub's advisory database) or "debian RELEASE" (Debian's security tracker).
	Ecosystem string `json:"ecosystem"`
	// Package is the npm package, or for Debian the source package, as the tracker keys it.
	Package            string   `json:"package"`
	VulnerableVersions []string `json:"vulnerableVersions,omitempty"`
	PatchedVersions    []string `json:"patchedVersions,omitempty"`
	FixedVersion       string   `json:"fixedVersion,omitempty"`
	// Status is for an advisory without a fix: "affected", "will_not_fix", "fix_deferred"…
	Status      string   `json:"status,omitempty"`
	Severity    string   `json:"severity"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	CVSSv3      string   `json:"cvssV3,omitempty"`
	Source      string   `json:"source"`
	References  []string `json:"references,omitempty"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: trivy-db-build ADVISORIES.json OUT_DIR")
		os.Exit(2)
	}
	if err := build(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintf(os.Stderr, "trivy-db-build: %v\n", err)
		os.Exit(1)
	}
}

func build(input, outDir string) error {
	raw, err := os.ReadFile(input)
	if err != nil {
		return err
	}
	var records file
	if err := json.Unmarshal(raw, &records); err != nil {
		return fmt.Errorf("%s: %w", input, err)
	}
	if records.UpdatedAt.IsZero() {
		return fmt.Errorf("%s: updatedAt is missing", input)
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	// Never append to an older DB: every build starts from an empty file.
	if err := os.Remove(db.Path(outDir)); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := db.Init(outDir); err != nil {
		return err
	}
	dbc := db.Config{}
	err = dbc.BatchUpdate(func(tx *bolt.Tx) error {
		for i, a := range records.Advisories {
			if err := put(dbc, tx, a); err != nil {
				return fmt.Errorf("advisory %d (%s %s): %w", i, a.ID, a.Package, err)
			}
		}
		return nil
	})
	if closeErr := db.Close(); err == nil {
		err = closeErr
	}
	if err != nil {
		return err
	}
	return metadata.NewClient(outDir).Update(metadata.Metadata{
		Version:    db.SchemaVersion,
		UpdatedAt:  records.UpdatedAt,
		NextUpdate: records.UpdatedAt.AddDate(10, 0, 0),
		// Trivy fills this after a download; a DB made here counts as downloaded when it was made.
		DownloadedAt: records.UpdatedAt,
	})
}

func put(dbc db.Config, tx *bolt.Tx, a advisory) error {
	if a.ID == "" || a.Package == "" || a.Source == "" {
		return fmt.Errorf("id, package and source are required")
	}
	severity, err := types.NewSeverity(a.Severity)
	if err != nil {
		return err
	}
	var bkt string
	var source types.DataSource
	var detail types.Advisory
	switch {
	case a.Ecosystem == "npm":
		source = types.DataSource{
			ID:   vulnerability.GHSA,
			Name: "GitHub Security Advisory npm",
			URL:  "https://github.com/advisories?query=type%3Areviewed+ecosystem%3Anpm",
		}
		b, err := bucket.NewNpm(source)
		if err != nil {
			return err
		}
		bkt = b.Name()
		if len(a.VulnerableVersions) == 0 {
			return fmt.Errorf("an npm advisory needs vulnerableVersions")
		}
		detail = types.Advisory{VulnerableVersions: a.VulnerableVersions, PatchedVersions: a.PatchedVersions}
	case len(a.Ecosystem) > len("debian ") && a.Ecosystem[:len("debian ")] == "debian ":
		source = types.DataSource{
			ID:   vulnerability.Debian,
			Name: "Debian Security Tracker",
			URL:  "https://salsa.debian.org/security-tracker-team/security-tracker",
		}
		bkt = bucket.NewDebian(a.Ecosystem[len("debian "):]).Name()
		detail = types.Advisory{FixedVersion: a.FixedVersion}
		if a.FixedVersion == "" {
			detail.Status = types.NewStatus(a.Status)
			if detail.Status == types.StatusUnknown {
				return fmt.Errorf("an advisory without fixedVersion needs a status (affected, will_not_fix, fix_deferred…)")
			}
		}
	default:
		return fmt.Errorf("unknown ecosystem %q (npm or \"debian RELEASE\")", a.Ecosystem)
	}
	if err := dbc.PutDataSource(tx, bkt, source); err != nil {
		return err
	}
	// Trivy's detectors read "<bucket>/<package>/<vulnerability id>".
	if err := dbc.PutAdvisory(tx, []string{bkt, a.Package}, a.ID, &detail); err != nil {
		return err
	}
	vuln := types.Vulnerability{
		Title:          a.Title,
		Description:    a.Description,
		Severity:       a.Severity,
		VendorSeverity: types.VendorSeverity{source.ID: severity},
		References:     append([]string{a.Source}, a.References...),
	}
	if a.CVSSv3 != "" {
		vuln.CVSS = types.VendorCVSS{source.ID: {V3Vector: a.CVSSv3}}
	}
	return dbc.PutVulnerability(tx, a.ID, vuln)
}
