"""The GLM family: ``glm4`` (glm-4-9b-chat, GLM-4-0414, GLM-Z1). What its formats share (the
special tokens and glm-4-9b-chat's ids for them) is in :mod:`.tokens`."""
