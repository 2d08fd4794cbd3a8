"""People who help: the volunteer sign-up and roster, and the contact form."""
