TELL_FOLLOWERS = "publications_tell_followers"  # payload: publication_id, municipality_id, title, author_id
PUBLISH_DUE = "publications_publish_due"  # cron: publishes the scheduled ones whose time came, archives expired
