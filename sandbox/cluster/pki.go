package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// certificate is one leaf the cluster needs: who it names, what it may be used for, which CA signs it.
type certificate struct {
	name     string // file stem: NAME.crt and NAME.key
	signer   string // "ca" or "front-proxy-ca"
	cn       string
	orgs     []string
	server   bool
	dnsNames []string
	ips      []string
}

// runPKI writes the sandbox cluster's certificates and service-account key into a folder, keeping any
// that exist: a restarted sandbox keeps its CA, so kubeconfigs and pods that trust it keep working.
func runPKI(args []string) error {
	flags := flag.NewFlagSet("pki", flag.ContinueOnError)
	dir := flags.String("dir", "", "folder for the certificates (created 0700)")
	nodeName := flags.String("node-name", "", "the node's name, in the kubelet's certificates")
	nodeIP := flags.String("node-ip", "", "the node's address on the sandbox bridge")
	serviceIP := flags.String("service-ip", "10.96.0.1", "the kubernetes Service's cluster IP")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *nodeName == "" || net.ParseIP(*nodeIP) == nil {
		return errors.New("pki: --dir, --node-name and a valid --node-ip are required")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	cas := map[string]*authority{}
	for _, name := range []string{"ca", "front-proxy-ca"} {
		ca, err := loadOrCreateAuthority(*dir, name)
		if err != nil {
			return err
		}
		cas[name] = ca
	}
	apiserverNames := []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
		"kubernetes.default.svc.cluster.local"}
	leaves := []certificate{
		{name: "apiserver", signer: "ca", cn: "kube-apiserver", server: true, dnsNames: apiserverNames,
			ips: []string{"127.0.0.1", *nodeIP, *serviceIP}},
		{name: "kubelet-serving", signer: "ca", cn: "system:node:" + *nodeName, orgs: []string{"system:nodes"},
			server: true, dnsNames: []string{*nodeName}, ips: []string{*nodeIP}},
		{name: "metrics-server-serving", signer: "ca", cn: "metrics-server", server: true,
			dnsNames: []string{"metrics-server.kube-system.svc"}, ips: []string{*nodeIP}},
		{name: "admin", signer: "ca", cn: "kubernetes-admin", orgs: []string{"system:masters"}},
		{name: "controller-manager", signer: "ca", cn: "system:kube-controller-manager"},
		{name: "scheduler", signer: "ca", cn: "system:kube-scheduler"},
		{name: "kubelet", signer: "ca", cn: "system:node:" + *nodeName, orgs: []string{"system:nodes"}},
		{name: "apiserver-kubelet-client", signer: "ca", cn: "kube-apiserver-kubelet-client",
			orgs: []string{"system:masters"}},
		{name: "metrics-server", signer: "ca", cn: "system:metrics-server"},
		{name: "front-proxy-client", signer: "front-proxy-ca", cn: "front-proxy-client"},
	}
	for _, leaf := range leaves {
		if err := ensureLeaf(*dir, leaf, cas[leaf.signer]); err != nil {
			return err
		}
	}
	return ensureServiceAccountKey(*dir)
}

type authority struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func loadOrCreateAuthority(dir, name string) (*authority, error) {
	certFile, keyFile := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
	if exists(certFile) && exists(keyFile) {
		return loadAuthority(certFile, keyFile)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	template := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "k8s-ship-sandbox-" + name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	if err := writePair(certFile, keyFile, der, key); err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	return &authority{cert: cert, key: key}, err
}

func loadAuthority(certFile, keyFile string) (*authority, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, err
	}
	certBlock, keyBlock := pemBlock(certPEM), pemBlock(keyPEM)
	if certBlock == nil || keyBlock == nil {
		return nil, fmt.Errorf("pki: %s or %s is not PEM", certFile, keyFile)
	}
	cert, err := x509.ParseCertificate(certBlock.Bytes)
	if err != nil {
		return nil, err
	}
	key, err := x509.ParseECPrivateKey(keyBlock.Bytes)
	return &authority{cert: cert, key: key}, err
}

func ensureLeaf(dir string, leaf certificate, ca *authority) error {
	certFile, keyFile := filepath.Join(dir, leaf.name+".crt"), filepath.Join(dir, leaf.name+".key")
	if exists(certFile) && exists(keyFile) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	template := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: leaf.cn, Organization: leaf.orgs},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(1, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		DNSNames:     leaf.dnsNames,
	}
	if leaf.server {
		template.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	for _, ip := range leaf.ips {
		template.IPAddresses = append(template.IPAddresses, net.ParseIP(ip))
	}
	der, err := x509.CreateCertificate(rand.Reader, template, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return err
	}
	return writePair(certFile, keyFile, der, key)
}

// ensureServiceAccountKey writes the key pair that signs and verifies service-account tokens.
func ensureServiceAccountKey(dir string) error {
	keyFile, pubFile := filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if exists(keyFile) && exists(pubFile) {
		return nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := writePEM(keyFile, "EC PRIVATE KEY", keyDER); err != nil {
		return err
	}
	return writePEM(pubFile, "PUBLIC KEY", pubDER)
}

func writePair(certFile, keyFile string, certDER []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	if err := writePEM(keyFile, "EC PRIVATE KEY", keyDER); err != nil {
		return err
	}
	return writePEM(certFile, "CERTIFICATE", certDER)
}

func writePEM(file, blockType string, der []byte) error {
	return os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600)
}

func pemBlock(data []byte) *pem.Block {
	block, _ := pem.Decode(data)
	return block
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err)
	}
	return n
}

func exists(file string) bool {
	_, err := os.Stat(file)
	return err == nil
}
