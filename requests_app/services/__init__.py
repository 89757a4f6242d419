"""Every write of the domain: one function per action, keyword-only, taking the actor."""
