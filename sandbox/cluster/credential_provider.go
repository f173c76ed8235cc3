package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// The kubelet's image credential provider protocol (credentialprovider.kubelet.k8s.io/v1): a request
// naming the image on stdin, the credentials for its registry on stdout. Nodes on AWS run
// ecr-credential-provider this way; the sandbox's node runs this one for its registry on loopback.
const credentialProviderAPI = "credentialprovider.kubelet.k8s.io/v1"

type credentialRequest struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Image      string `json:"image"`
}

type registryCredentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Registry string `json:"registry"`
}

// runCredentialProvider answers one request with the sandbox registry's login, read from the file the
// provider's config names in SANDBOX_REGISTRY_CREDENTIALS (never from argv, which `ps` shows).
func runCredentialProvider(stdin io.Reader, stdout io.Writer) error {
	var request credentialRequest
	if err := json.NewDecoder(stdin).Decode(&request); err != nil {
		return fmt.Errorf("credential provider: the request on stdin is not JSON: %w", err)
	}
	if request.APIVersion != credentialProviderAPI || request.Kind != "CredentialProviderRequest" {
		return fmt.Errorf("credential provider: expected a %s CredentialProviderRequest, got %s %s",
			credentialProviderAPI, request.APIVersion, request.Kind)
	}
	file := os.Getenv("SANDBOX_REGISTRY_CREDENTIALS")
	if file == "" {
		return fmt.Errorf("credential provider: SANDBOX_REGISTRY_CREDENTIALS is not set")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("credential provider: %w", err)
	}
	var login registryCredentials
	if err := json.Unmarshal(data, &login); err != nil || login.Registry == "" {
		return fmt.Errorf("credential provider: %s has no registry, username and password", file)
	}
	return json.NewEncoder(stdout).Encode(map[string]any{
		"apiVersion":   credentialProviderAPI,
		"kind":         "CredentialProviderResponse",
		"cacheKeyType": "Registry",
		// The password is kept across registry restarts, so the kubelet may cache it as it caches ECR's.
		"cacheDuration": "1h",
		"auth": map[string]any{
			login.Registry: map[string]string{"username": login.Username, "password": login.Password},
		},
	})
}
