from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.areas.models import Area

from .models import Role, User


class UserCreateForm(forms.Form):
    username = forms.RegexField(label=_("username"), regex=r"^[\w.@+-]{3,150}$", max_length=150)
    display_name = forms.CharField(label=_("display name"), max_length=50, required=False)
    phone = forms.CharField(label=_("phone"), max_length=20, required=False)
    password = forms.CharField(label=_("password"), widget=forms.PasswordInput, min_length=10)
    language = forms.ChoiceField(label=_("language"), choices=User.Language.choices, initial=User.Language.ZH)

    def clean_username(self):
        name = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This username is taken."))
        return name


class ScopeForm(forms.Form):
    area = forms.ModelChoiceField(label=_("area"), queryset=Area.objects.none())
    role = forms.ModelChoiceField(label=_("role"), queryset=Role.objects.all(), to_field_name="code")

    def __init__(self, *args, viewer, **kwargs):
        super().__init__(*args, **kwargs)
        # Only areas the administrator may manage, down to grids (scopes below a grid make no sense).
        self.fields["area"].queryset = (
            Area.objects.visible_to(viewer, "accounts.add_scope").filter(depth__lte=5).order_by("path")
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=User.Language.choices)
    next = forms.CharField(required=False)
