// Progressive enhancement: a "Show" button beside each password field. Pages work without it;
// the Content-Security-Policy allows this same-origin script and nothing else.
document.querySelectorAll('input[type="password"]').forEach(function (input) {
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'show-password secondary';
  button.textContent = 'Show';
  button.setAttribute('aria-controls', input.id);
  button.setAttribute('aria-pressed', 'false');
  button.setAttribute('aria-label', 'Show password');
  button.addEventListener('click', function () {
    var shown = input.type === 'text';
    input.type = shown ? 'password' : 'text';
    button.textContent = shown ? 'Show' : 'Hide';
    button.setAttribute('aria-pressed', shown ? 'false' : 'true');
    button.setAttribute('aria-label', shown ? 'Show password' : 'Hide password');
  });
  input.insertAdjacentElement('afterend', button);
});
