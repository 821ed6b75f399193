package apiserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Certificates. The apiserver serves HTTPS with a certificate for
// 127.0.0.1 and localhost signed by a session CA. Both are ECDSA P-256:
// generating them takes microseconds, where the RSA keys kube-apiserver's
// tools make would take a good part of the boot budget. They are kept in
// the session dir, so a kept session keeps its kubeconfig valid.

type certs struct {
	caPEM, certPEM, keyPEM []byte
}

const certValidity = 10 * 365 * 24 * time.Hour

// loadOrCreateCerts reads ca.crt, apiserver.crt and apiserver.key from dir,
// creating them when absent. An empty dir keeps them in memory only.
func loadOrCreateCerts(dir string, now time.Time) (*certs, error) {
	paths := [3]string{"ca.crt", "apiserver.crt", "apiserver.key"}
	if dir != "" {
		var c certs
		var err error
		read := func(name string) []byte {
			if err != nil {
				return nil
			}
			var b []byte
			b, err = os.ReadFile(filepath.Join(dir, name))
			return b
		}
		c.caPEM, c.certPEM, c.keyPEM = read(paths[0]), read(paths[1]), read(paths[2])
		if err == nil {
			return &c, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("read certificates: %w", err)
		}
	}
	c, err := newCerts(now)
	if err != nil {
		return nil, err
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		for i, b := range [][]byte{c.caPEM, c.certPEM, c.keyPEM} {
			if err := os.WriteFile(filepath.Join(dir, paths[i]), b, 0o600); err != nil {
				return nil, fmt.Errorf("write certificates: %w", err)
			}
		}
	}
	return c, nil
}

func newCerts(now time.Time) (*certs, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "kubelab-ca"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &certs{
		caPEM:   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}
