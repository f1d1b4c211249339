package rules

// backupVaultType is the component whose buckets must carry a backup lifecycle.
const backupVaultType = "secure-aws:components:BackupVault"
