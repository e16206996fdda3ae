"""The Telegram front end, one module per role: `delegates`, `staff`, `organisers`; what they
share in `common` and `limits`; `app` builds the one `Application` from them."""
