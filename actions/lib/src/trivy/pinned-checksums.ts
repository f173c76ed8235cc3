/*
 * sha256 of Trivy release tarballs, kept in the code. The release's checksums file comes from the same
 * place as the tarball, so a compromised mirror (or release) could serve a matching pair; a pin here cannot
 * be changed by whoever serves the download.
 *
 * Values for 0.58.1 as published in Trivy's `trivy_0.58.1_checksums.txt`, read from stored public sources
 * that pin them: cashapp/hermit-packages `trivy.hcl` (both), and the AUR `trivy-bin` 0.58.1 PKGBUILD
 * (Linux-64bit). Add a version only with values read from a source like these, never computed from a
 * download.
 */
export const PINNED_TRIVY_SHA256: Readonly<Record<string, string>> = {
  'trivy_0.58.1_Linux-64bit.tar.gz': '21a5eea31d072b34a6284855249f4074ff43c618d398f9ec328bef4ff7c2fa0d',
  'trivy_0.58.1_Linux-ARM64.tar.gz': '29ec9c3af77a00234860f4a9c48e2dd7691e939924da5d76c259e46c614e2545',
};
