"""Second-generation resident ID card readers (二代身份证) speaking the GA 467 SAM protocol."""
