"""Drafts: what a user typed in a task's form so far, kept in the database per user
and task, so that the form resumes where it was after navigating away, logging out
or on another device. A draft is only ever read for its own user.

``DraftStorage`` is the formtools storage backend of the task wizard: the wizard's
own state (current step, each step's data) is the user's draft."""

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from formtools.wizard.storage.base import BaseStorage

from .models import TaskDraft, TaskItem


def draft_of(*, item: TaskItem, user: AbstractBaseUser) -> TaskDraft | None:
    """The user's own draft of the task, if any."""
    if not user.is_authenticated:
        return None
    return TaskDraft.objects.filter(item=item, user=user).first()


def draft_save(
    *,
    item: TaskItem,
    user: AbstractBaseUser,
    current_step: str,
    step_data: dict[str, dict[str, list[str]]],
) -> TaskDraft | None:
    """Store the user's draft of an open task (unvalidated); nothing for a task that
    is no longer open, whose drafts have gone with it."""
    step_data = _storable(step_data)
    with transaction.atomic():
        if not TaskItem.objects.filter(pk=item.pk, state=TaskItem.State.OPEN).exists():
            return None
        draft, _ = TaskDraft.objects.update_or_create(
            item=item,
            user=user,
            defaults={
                "current_step": current_step,
                "step_data": step_data,
                "updated_at": timezone.now(),
            },
        )
    return draft


def _storable(step_data: dict[str, dict[str, list[str]]]) -> dict:
    """The draft without NUL characters: no one types them, the form refuses them on
    completion, and PostgreSQL cannot store them in JSON at all."""
    return {
        step: {
            key: [str(value).replace("\x00", "") for value in values]
            for key, values in (fields or {}).items()
        }
        for step, fields in step_data.items()
    }


def draft_save_step(
    *,
    item: TaskItem,
    user: AbstractBaseUser,
    step: str,
    data: dict[str, list[str]],
) -> TaskDraft | None:
    """Store what is typed on one step (the page is being left): the user is on
    that step; the other steps keep what was stored for them."""
    draft = draft_of(item=item, user=user)
    steps = dict(draft.step_data) if draft else {}
    steps[step] = data
    return draft_save(item=item, user=user, current_step=step, step_data=steps)


def draft_discard(*, item: TaskItem, user: AbstractBaseUser) -> bool:
    """Throw the user's draft of the task away; whether there was one."""
    deleted, _ = TaskDraft.objects.filter(item=item, user=user).delete()
    return bool(deleted)


def step_fields(data: Any, step: str, names: list[str]) -> dict[str, list[str]]:
    """From posted data, the values of one step's fields (``<step>-<name>``) only:
    no CSRF token or management data ends up in a draft."""
    keys = {f"{step}-{name}" for name in names}
    if isinstance(data, MultiValueDict):
        return {key: data.getlist(key) for key in keys if key in data}
    return {key: list(value) for key, value in dict(data).items() if key in keys}


class DraftStorage(BaseStorage):
    """formtools storage kept as the user's ``TaskDraft`` of one task.

    The view binds it to the task and the user (``bind``) before the wizard reads it;
    after the response it stores what changed, or deletes the draft once the wizard
    was reset (the task completed) or never got past an empty first step."""

    def __init__(self, prefix: str, request: Any = None, file_storage: Any = None):
        super().__init__(prefix, request, file_storage)
        self.init_data()
        self.item: TaskItem | None = None
        self.user: AbstractBaseUser | None = None
        self.draft: TaskDraft | None = None
        self._loaded = self._state()

    def bind(self, *, item: TaskItem, user: AbstractBaseUser) -> None:
        self.item, self.user = item, user
        self.draft = draft_of(item=item, user=user)
        if self.draft is not None:
            self.data[self.step_key] = self.draft.current_step or None
            self.data[self.step_data_key] = dict(self.draft.step_data)
        self._loaded = self._state()

    def _state(self) -> str:
        return json.dumps(
            [self.data[self.step_key], self.data[self.step_data_key]],
            sort_keys=True,
        )

    def set_step_files(self, step: str, files: Any) -> None:
        # Task forms have no file fields; nothing to keep.
        return None

    def update_response(self, response: Any) -> None:
        super().update_response(response)
        if self.item is None or self.user is None or self._state() == self._loaded:
            return
        if not self.data[self.step_data_key]:
            draft_discard(item=self.item, user=self.user)
            return
        self.draft = draft_save(
            item=self.item,
            user=self.user,
            current_step=self.data[self.step_key] or "",
            step_data=self.data[self.step_data_key],
        )
